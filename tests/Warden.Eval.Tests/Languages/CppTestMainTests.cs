using Warden.Eval.Languages;

namespace Warden.Eval.Tests.Languages;

public sealed class CppTestMainTests
{
    [Fact]
    public void Rename_RenamesMainAndReturnsZeroAtItsEnd()
    {
        var renamed = CppTestMain.Rename("#include<assert.h>\nint main(){\n    assert (f(1)==2);\n}\n");
        Assert.Equal("#include<assert.h>\nint warden_eval_test_main(){\n    assert (f(1)==2);\n\nreturn 0;\n}\n", renamed);
    }

    [Fact]
    public void Rename_IgnoresBracesInStringsCharsAndComments()
    {
        const string test = "int main(int argc, char** argv) { // }\n /* } */ const char* s = \"}\\\"}\"; char c = '}'; if (1) { }\n}\nint after() { return 1; }\n";
        var renamed = CppTestMain.Rename(test)!;
        Assert.Contains("int warden_eval_test_main(int argc, char** argv)", renamed);
        Assert.EndsWith("if (1) { }\n\nreturn 0;\n}\nint after() { return 1; }\n", renamed);
    }

    [Theory]
    [InlineData("void helper() {}\n")]
    [InlineData("// int main() {}\n")]
    [InlineData("int main() {\n")]
    public void Rename_WithoutAWellFormedMain_ReturnsNull(string test) => Assert.Null(CppTestMain.Rename(test));
}
