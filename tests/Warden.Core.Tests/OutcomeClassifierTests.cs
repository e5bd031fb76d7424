using Warden.Execution;
using Warden.Sandbox;

namespace Warden.Core.Tests;

public sealed class OutcomeClassifierTests
{
    private static readonly SandboxOutcome Started = new() { Started = true, ExitCode = 0 };

    [Fact] public void NotStarted_IsSandboxError() => Assert.Equal(RunReason.SandboxError, OutcomeClassifier.Classify(new SandboxOutcome { Started = false, ExitCode = 1 }));
    [Fact] public void CleanExit_IsExited() => Assert.Equal(RunReason.Exited, OutcomeClassifier.Classify(Started));
    [Fact] public void NonZeroExit_IsExited() => Assert.Equal(RunReason.Exited, OutcomeClassifier.Classify(Started with { ExitCode = 137 }));
    [Fact] public void Signal_IsSignaled() => Assert.Equal(RunReason.Signaled, OutcomeClassifier.Classify(Started with { ExitCode = null, Signal = 11 }));
    [Fact] public void Timeout_IsTimeout() => Assert.Equal(RunReason.Timeout, OutcomeClassifier.Classify(Started with { ExitCode = null, Signal = 9, TimedOut = true }));
    [Fact] public void SigXcpu_IsTimeout() => Assert.Equal(RunReason.Timeout, OutcomeClassifier.Classify(Started with { ExitCode = null, Signal = 24 }));
    [Fact] public void OomKillOfTheProgram_IsMemory() => Assert.Equal(RunReason.Memory, OutcomeClassifier.Classify(Started with { ExitCode = null, Signal = 9, OomKilled = true }));
    [Fact] public void OomThenTimeout_IsMemory() => Assert.Equal(RunReason.Memory, OutcomeClassifier.Classify(Started with { ExitCode = null, Signal = 9, OomKilled = true, TimedOut = true }));
    [Fact] public void OomOfAChildButCleanExit_IsExited() => Assert.Equal(RunReason.Exited, OutcomeClassifier.Classify(Started with { OomKilled = true }));
    [Fact] public void PidsHitAndFailure_IsPids() => Assert.Equal(RunReason.Pids, OutcomeClassifier.Classify(Started with { ExitCode = 1, PidsLimitHit = true }));
    [Fact] public void PidsHitThenTimeout_IsPids() => Assert.Equal(RunReason.Pids, OutcomeClassifier.Classify(Started with { ExitCode = null, Signal = 9, PidsLimitHit = true, TimedOut = true }));
    [Fact] public void PidsHitButCleanExit_IsExited() => Assert.Equal(RunReason.Exited, OutcomeClassifier.Classify(Started with { PidsLimitHit = true }));
    [Fact] public void OutputOverflow_IsOutputLimit() => Assert.Equal(RunReason.OutputLimit, OutcomeClassifier.Classify(Started with { ExitCode = null, Signal = 9, OutputLimitHit = true }));
    [Fact] public void KilledOnRequest_IsKilled() => Assert.Equal(RunReason.Killed, OutcomeClassifier.Classify(Started with { ExitCode = null, Signal = 9, KilledByWarden = true, TimedOut = true }));

    [Theory]
    [InlineData(9, "SIGKILL")]
    [InlineData(11, "SIGSEGV")]
    [InlineData(31, "SIGSYS")]
    [InlineData(40, "SIG40")]
    public void SignalName_IsConventional(int n, string name) => Assert.Equal(name, OutcomeClassifier.SignalName(n));
}

/// <summary>The result's limitsReached: every limit reached, whatever the reason, in a fixed order.</summary>
public sealed class LimitsReachedTests
{
    private static readonly SandboxOutcome Started = new() { Started = true, ExitCode = 0 };

    [Fact] public void CleanRun_ReachesNothing() => Assert.Empty(OutcomeClassifier.LimitsReached(Started));
    [Fact] public void NotStarted_ReachesNothing() => Assert.Empty(OutcomeClassifier.LimitsReached(new SandboxOutcome { Started = false, PidsLimitHit = true }));
    [Fact] public void PidsHitButCleanExit_ListsPids() => Assert.Equal(["pids"], OutcomeClassifier.LimitsReached(Started with { PidsLimitHit = true }));
    [Fact] public void ChildOomKilledButCleanExit_ListsMemory() => Assert.Equal(["memory"], OutcomeClassifier.LimitsReached(Started with { OomKilled = true }));
    [Fact] public void TruncatedStderr_ListsOutput() => Assert.Equal(["output"], OutcomeClassifier.LimitsReached(Started with { StderrTruncated = true }));
    [Fact] public void SigXcpu_ListsTimeout() => Assert.Equal(["timeout"], OutcomeClassifier.LimitsReached(Started with { ExitCode = null, Signal = 24 }));
    [Fact] public void SigXfsz_ListsDisk() => Assert.Equal(["disk"], OutcomeClassifier.LimitsReached(Started with { ExitCode = null, Signal = 25 }));

    [Fact]
    public void Everything_IsListedOnceInTheDocumentedOrder() =>
        Assert.Equal(LimitNames.All, OutcomeClassifier.LimitsReached(Started with
        {
            ExitCode = null, Signal = 9, TimedOut = true, OomKilled = true, PidsLimitHit = true,
            OutputLimitHit = true, StdoutTruncated = true, DiskFull = true, CpuThrottled = true,
        }));
}
