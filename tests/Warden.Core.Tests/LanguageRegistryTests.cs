using Warden.Languages;

namespace Warden.Core.Tests;

public sealed class LanguageRegistryTests
{
    private static readonly LanguageRegistry All = new(LanguageRegistry.BuiltIn(), _ => true);

    [Theory]
    [InlineData("python", "python")]
    [InlineData("PY", "python")]
    [InlineData("node", "javascript")]
    [InlineData("c++", "cpp")]
    [InlineData("sh", "sh")]
    [InlineData(" bash ", "bash")]
    public void Find_ByIdOrAlias(string name, string id) => Assert.Equal(id, All.Find(name)!.Id);

    [Fact]
    public void BuiltIn_HasTheLanguagesOfTheIssue()
    {
        var ids = LanguageRegistry.BuiltIn().Select(d => d.Id).ToList();
        Assert.Equal(["python", "javascript", "bash", "sh", "c", "cpp", "java", "go", "rust", "rust-test", "csharp"], ids);
    }

    [Fact]
    public void BuiltIn_HasNoNullCollections()
    {
        foreach (var d in LanguageRegistry.BuiltIn())
        {
            Assert.NotNull(d.Aliases);
            Assert.NotNull(d.Binds);
            Assert.NotNull(d.Env);
            Assert.NotNull(d.Artifacts);
            Assert.NotEmpty(d.Requires);
            Assert.All(d.Requires, p => Assert.StartsWith("/", p));
            if (d.Compile is not null) Assert.NotEmpty(d.Artifacts);
        }
    }

    [Fact]
    public void Python_IsDebiansInterpreter() => Assert.Equal("/usr/bin/python3", All.Find("python")!.Run[0]);

    [Fact]
    public void Require_Unknown_ListsTheKnownOnesWithoutEchoingControlCharacters()
    {
        var ex = Assert.Throws<LanguageUnavailableException>(() => All.Require("brainf\u001b[31mck"));
        Assert.DoesNotContain("\u001b", ex.Message);
        Assert.Contains("python", ex.Message);
    }

    [Fact]
    public void Require_MissingToolchain_SaysWhichToolIsMissing()
    {
        var reg = new LanguageRegistry(LanguageRegistry.BuiltIn(), _ => true);
        var fake = new LanguageRegistry([LanguageRegistry.BuiltIn()[0] with { Id = "x", Requires = ["/nonexistent/tool"] }]);
        var ex = Assert.Throws<LanguageUnavailableException>(() => fake.Require("x"));
        Assert.Contains("/nonexistent/tool is not installed", ex.Message);
        Assert.NotNull(reg);
    }

    [Fact]
    public void Status_ToolNotExecutableBySandbox_IsUnavailableWithReason()
    {
        var reg = new LanguageRegistry(LanguageRegistry.BuiltIn(), _ => false);
        var s = reg.Status(reg.Find("sh")!);
        Assert.False(s.Available);
        Assert.Contains("not readable and executable by the sandbox user", s.Reason);
    }

    [Fact]
    public void FindByExtension_MapsCommonExtensions()
    {
        Assert.Equal("python", All.FindByExtension(".py")!.Id);
        Assert.Equal("cpp", All.FindByExtension(".cc")!.Id);
        Assert.Null(All.FindByExtension(".xyz"));
    }
}
