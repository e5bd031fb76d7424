using Warden.Eval;
using Warden.Eval.Tests.Support;
using static Warden.Eval.VerdictOutcome;

namespace Warden.Eval.Tests.Scoring;

public sealed class EvalSummaryTests
{
    [Fact]
    public void Summary_AveragesPassAtKOverTasks()
    {
        // Task A: 2 of 4 correct; task B: 0 of 4.
        var verdicts = new[]
        {
            Verdict.Of("A", 0, Passed), Verdict.Of("A", 1, Failed), Verdict.Of("A", 2, Passed), Verdict.Of("A", 3, TimedOut),
            Verdict.Of("B", 0, Failed), Verdict.Of("B", 1, Failed), Verdict.Of("B", 2, Failed), Verdict.Of("B", 3, Failed),
        };
        var s = EvalSummary.Compute(verdicts, [1, 2]);
        Assert.Equal(0.25, s.PassAtK["pass@1"], 1e-12);
        // A: 1 - C(2,2)/C(4,2) = 5/6; B: 0.
        Assert.Equal(5.0 / 12.0, s.PassAtK["pass@2"], 1e-12);
        Assert.Equal((8, 2, 5, 1, 2), (s.Samples, s.Passed, s.Failed, s.TimedOut, s.Tasks));
    }

    [Fact]
    public void Summary_InfrastructureErrorsAndSkips_AreCountedApartAndNotInPassAtK()
    {
        var verdicts = new[]
        {
            Verdict.Of("A", 0, Passed), Verdict.Of("A", 1, InfrastructureError),
            Verdict.Of("B", 0, Skipped),
        };
        var s = EvalSummary.Compute(verdicts, [1]);
        Assert.Equal(1.0, s.PassAtK["pass@1"]);
        Assert.Equal((1, 1, 1, 0), (s.InfrastructureErrors, s.Skipped, s.Tasks, s.Failed));
        Assert.True(s.Incomplete);
    }

    [Fact]
    public void Summary_KLargerThanSomeTasksSampleCount_IsReportedUnreached()
    {
        var verdicts = new[] { Verdict.Of("A", 0, Passed), Verdict.Of("A", 1, Passed), Verdict.Of("B", 0, Failed) };
        var s = EvalSummary.Compute(verdicts, [1, 2, 10]);
        Assert.Equal(["pass@1"], s.PassAtK.Keys);
        Assert.Equal([2, 10], s.UnreachedK);
    }

    [Fact]
    public void Summary_LaterVerdictOfTheSameSample_Wins()
    {
        var verdicts = new[] { Verdict.Of("A", 0, InfrastructureError), Verdict.Of("A", 0, Passed) };
        var s = EvalSummary.Compute(verdicts, [1]);
        Assert.Equal((1, 1, 0), (s.Samples, s.Passed, s.InfrastructureErrors));
    }
}
