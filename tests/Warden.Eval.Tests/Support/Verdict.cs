using Warden.Eval;

namespace Warden.Eval.Tests.Support;

/// <summary>Verdicts for unit tests of aggregation and files.</summary>
internal static class Verdict
{
    public static SampleVerdict Of(string task, int id, VerdictOutcome outcome) => new()
    {
        TaskId = task,
        CompletionId = id,
        Passed = outcome == VerdictOutcome.Passed,
        Outcome = outcome,
        Result = outcome switch
        {
            VerdictOutcome.Passed => "passed",
            VerdictOutcome.TimedOut => "timed out",
            VerdictOutcome.InfrastructureError => "infrastructure error: test",
            VerdictOutcome.Skipped => "skipped: test",
            _ => "failed: AssertionError",
        },
    };
}
