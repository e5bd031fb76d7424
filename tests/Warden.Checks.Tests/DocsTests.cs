namespace Warden.Checks.Tests;

/// <summary>docs/checks.md must name every rule, so the documented list cannot drift from the code.</summary>
public sealed class DocsTests
{
    [Fact]
    public void ChecksDoc_NamesEveryRule()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Warden.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var doc = File.ReadAllText(Path.Combine(dir.FullName, "docs", "checks.md"));
        Assert.All(CodeChecker.Rules, r => Assert.Contains($"`{r.Id}`", doc, StringComparison.Ordinal));
    }
}
