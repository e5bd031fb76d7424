using Warden.Execution;

namespace Warden.Core.Tests;

public sealed class RunRequestValidatorTests
{
    private static RunRequest Ok => new() { Language = "python", Code = "print(1)" };

    [Fact]
    public void Validate_MinimalRequest_Passes() => RunRequestValidator.Validate(Ok);

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("/etc/passwd")]
    [InlineData("./x")]
    [InlineData("a/./b")]
    [InlineData("")]
    [InlineData("a\0b")]
    [InlineData("a\nb")]
    [InlineData("a\\b")]
    [InlineData("//")]
    public void Validate_HostilePath_IsRejectedWithTheFieldNamed(string path)
    {
        var r = Ok with { Files = [new InputFile { Path = path, Content = "x" }] };
        var ex = Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(r));
        Assert.StartsWith("files[0]", ex.Field);
    }

    [Fact]
    public void Validate_LongSegment_IsRejected()
    {
        var r = Ok with { Files = [new InputFile { Path = new string('a', 256), Content = "x" }] };
        Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(r));
    }

    [Fact]
    public void ValidateRelativePath_NormalizesDuplicateSlashes() =>
        Assert.Equal("a/b/c.txt", RunRequestValidator.ValidateRelativePath("f", "a//b/c.txt"));

    [Fact]
    public void Validate_NulInCode_IsRejected() =>
        Assert.Equal("code", Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(Ok with { Code = "print(1)\0" })).Field);

    [Fact]
    public void Validate_NeitherCodeNorFiles_IsRejected() =>
        Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(new RunRequest { Language = "python" }));

    [Fact]
    public void Validate_BothContentAndBase64_IsRejected()
    {
        var r = Ok with { Files = [new InputFile { Path = "a", Content = "x", ContentBase64 = "eA==" }] };
        Assert.Equal("files[0]", Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(r)).Field);
    }

    [Fact]
    public void Validate_BadBase64_IsRejected()
    {
        var r = Ok with { Files = [new InputFile { Path = "a", ContentBase64 = "not base64!" }] };
        Assert.Equal("files[0].contentBase64", Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(r)).Field);
    }

    [Fact]
    public void Validate_DuplicatePaths_AreRejected()
    {
        var r = Ok with { Files = [new InputFile { Path = "a/b", Content = "1" }, new InputFile { Path = "a//b", Content = "2" }] };
        Assert.Contains("Duplicate", Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(r)).Message);
    }

    [Theory]
    [InlineData("LD_PRELOAD")]
    [InlineData("A=B")]
    [InlineData("")]
    [InlineData("WITH SPACE")]
    public void Validate_BadEnvironmentNames_AreRejected(string name)
    {
        var r = Ok with { Env = new Dictionary<string, string> { [name] = "x" } };
        Assert.StartsWith("env", Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(r)).Field);
    }

    [Fact]
    public void Validate_TooMuchInput_IsRejected()
    {
        var r = Ok with { Code = new string('x', (int)RunRequestValidator.MaxInputBytes + 1) };
        Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(r));
    }

    [Fact]
    public void Validate_NegativeLimits_AreRejected()
    {
        var r = Ok with { Limits = new Policy.LimitsRequest { MemoryMb = -1 } };
        Assert.Equal("limits.memoryMb", Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(r)).Field);
    }

    [Theory]
    [InlineData("*.png")]
    [InlineData("out/**/*.csv")]
    [InlineData("result.json")]
    public void Validate_CollectPatterns_AcceptGlobs(string pattern) =>
        RunRequestValidator.Validate(Ok with { Collect = [pattern] });

    [Theory]
    [InlineData("../*.png")]
    [InlineData("/etc/*")]
    public void Validate_CollectPatterns_CannotLeaveTheWorkspace(string pattern) =>
        Assert.Throws<InvalidRequestException>(() => RunRequestValidator.Validate(Ok with { Collect = [pattern] }));
}
