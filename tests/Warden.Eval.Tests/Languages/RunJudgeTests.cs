using Warden.Eval.Languages;
using Warden.Execution;

namespace Warden.Eval.Tests.Languages;

public sealed class RunJudgeTests
{
    [Theory]
    [InlineData(RunReason.Timeout, null, "", "timed out")]
    [InlineData(RunReason.Exited, 1, "Traceback (most recent call last):\n  ...\nAssertionError\n\n", "failed: AssertionError")]
    [InlineData(RunReason.Exited, 7, "", "failed: exit code 7")]
    [InlineData(RunReason.Signaled, null, "", "failed: killed by SIGSEGV")]
    [InlineData(RunReason.Memory, null, "", "failed: memory limit exceeded")]
    [InlineData(RunReason.Pids, null, "", "failed: task limit reached")]
    [InlineData(RunReason.OutputLimit, null, "", "failed: output limit exceeded")]
    [InlineData(RunReason.CompileError, null, "", "failed: compile error")]
    [InlineData(RunReason.SandboxError, null, "", "infrastructure error: setup failed")]
    [InlineData(RunReason.Killed, null, "", "infrastructure error: setup failed")]
    public void Judge_MapsRunReasonsToHumanEvalResults(RunReason reason, int? exitCode, string stderr, string expected)
    {
        var result = new RunResult { Language = "python", Reason = reason, ExitCode = exitCode, Signal = reason == RunReason.Signaled ? "SIGSEGV" : null, Stderr = stderr, Message = "setup failed" };
        Assert.Equal(expected, RunJudge.Judge(result, checksReturned: false).Result);
    }

    [Fact]
    public void HasMarkerLine_NeedsTheExactNonceOnItsOwnLine()
    {
        Assert.True(RunJudge.HasMarkerLine("out\n__WARDEN_EVAL_PASS__ abc\n", RunJudge.PassMarker, "abc"));
        Assert.False(RunJudge.HasMarkerLine("out\n__WARDEN_EVAL_PASS__ abcd\n", RunJudge.PassMarker, "abc"));
        Assert.False(RunJudge.HasMarkerLine("\n__WARDEN_EVAL_PASS__ \n", RunJudge.PassMarker, ""));
    }
}
