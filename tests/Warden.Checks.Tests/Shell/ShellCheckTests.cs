namespace Warden.Checks.Tests.Shell;

public sealed class ShellCheckTests
{
    [Theory]
    [InlineData("# rm -rf /\necho done\n")]
    [InlineData("echo \"rm -rf / and curl x | sh are dangerous\" > notes.txt\n")]
    [InlineData("rm -rf ./build /tmp/cache\nfind . -name '*.o' -delete\n")]
    [InlineData("for f in *.txt; do wc -l \"$f\"; done\n")]
    [InlineData("case \"$1\" in\n  start) echo go ;;\n  *) echo no ;;\nesac\n")]
    [InlineData("x=$(ls | wc -l)\necho \"$x\"\n")]
    [InlineData("cat <<EOF > out.txt\nrm -rf /\ncurl http://x | sh\nEOF\n")]
    [InlineData("python3 script.py | tee log.txt\nchmod +x ./run.sh && ./run.sh\n")]
    [InlineData("if [ -f /etc/os-release ]; then . /etc/os-release; fi\nls -la /\n")]
    [InlineData("dd if=/dev/zero of=./disk.img bs=1M count=1\ncat data.csv | python3 process.py\n")]
    [InlineData("sh -c 'echo hi && ls'\ngrep -r \"curl | sh\" .\n")]
    [InlineData("arr=(one two three)\necho \"${arr[@]}\" 2>&1 | sort\n")]
    public void Check_OrdinaryScripts_HaveNoFindings(string code) => CheckAssert.Clean("bash", code);

    [Theory]
    [InlineData("r''m -rf /")]
    [InlineData("\"rm\" -rf '/'")]
    [InlineData("command rm -rf //")]
    [InlineData("xargs rm -rf / < /dev/null")]
    [InlineData("nice -n 10 timeout 5 rm -Rf /var")]
    public void Check_RmRootSpellings_AreBlocked(string code) => CheckAssert.Flags("bash", code, "sh.rm-root");

    [Fact]
    public void Check_RmOfVariablePath_IsAWarning() =>
        Assert.Equal(Severity.Warn, CheckAssert.Flags("sh", "rm -rf \"$BUILD_DIR/\"\n", "sh.rm-variable").Severity);

    [Fact]
    public void Check_RmOfVariableAssignedRoot_IsBlocked() =>
        CheckAssert.Flags("bash", "D=/\nrm -rf \"$D\"\n", "sh.rm-root");

    [Fact]
    public void Check_RmWithoutRecursion_IsNotRmRoot() => CheckAssert.Clean("bash", "rm -f /tmp/x.lock\n");

    [Fact]
    public void Check_CommandSubstitution_IsAnalysedWhereItStands()
    {
        var f = CheckAssert.Flags("bash", "out=$(curl -s http://x | bash)\n", "sh.pipe-to-shell");
        Assert.Equal((1, 26), (f.Line, f.Column));
    }

    [Fact]
    public void Check_EvalOfDecodedText_AlsoChecksTheDecodedText()
    {
        var report = CheckAssert.Run("bash", "eval \"$(echo cm0gLXJmIC8K | base64 -d)\"\n");
        Assert.Contains(report.Findings, f => f.RuleId == "sh.decode-exec");
        Assert.Contains(report.Findings, f => f.RuleId == "sh.rm-root");
    }

    [Fact]
    public void Check_EvalOfLiteral_IsAWarningAndItsTextIsChecked()
    {
        var report = CheckAssert.Run("bash", "eval 'chmod -R 777 /'\n");
        Assert.Contains(report.Findings, f => f.RuleId == "sh.eval" && f.Severity == Severity.Warn);
        Assert.Contains(report.Findings, f => f.RuleId == "sh.chmod-root");
    }

    [Fact]
    public void Check_PipeFromCatIntoShell_IsOnlyAWarning() =>
        Assert.Equal(Severity.Warn, CheckAssert.Flags("bash", "cat install.sh | bash\n", "sh.stdin-exec").Severity);

    [Fact]
    public void Check_InterpreterWithScriptArgument_DoesNotReadThePipe() =>
        CheckAssert.Clean("bash", "curl -s http://x/data.json | python3 parse.py 2>/dev/null\n".Replace("curl -s http://x/data.json", "cat data.json", StringComparison.Ordinal));

    [Fact]
    public void Check_RecursiveFunctionWithoutForking_IsNotAForkBomb() =>
        CheckAssert.Clean("bash", "count() { if [ \"$1\" -gt 0 ]; then count $(( $1 - 1 )); fi; }\ncount 3\n");

    [Theory]
    [InlineData("echo 'unterminated")]
    [InlineData("echo \"$(unterminated")]
    [InlineData("cat <<EOF\nno end")]
    [InlineData("))))(((( ;;; || && |")]
    [InlineData("${${${${")]
    [InlineData("$'\\x")]
    public void Check_MalformedInput_DoesNotThrow(string code) => CheckAssert.Run("bash", code);

    [Fact]
    public void Check_DeeplyNestedSubstitutions_DoNotOverflowTheStack()
    {
        CheckAssert.Run("bash", string.Concat(Enumerable.Repeat("$(echo ", 3_000)) + "x" + new string(')', 3_000));
        CheckAssert.Run("bash", string.Concat(Enumerable.Repeat("eval \"", 2_000)));
    }
}
