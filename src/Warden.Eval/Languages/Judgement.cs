namespace Warden.Eval.Languages;

/// <summary>What a run means for the sample: the outcome and HumanEval's result string.</summary>
internal readonly record struct Judgement(VerdictOutcome Outcome, string Result)
{
    public static Judgement Pass { get; } = new(VerdictOutcome.Passed, "passed");

    public static Judgement Fail(string why) => new(VerdictOutcome.Failed, "failed: " + why);

    public static Judgement Infrastructure(string why) => new(VerdictOutcome.InfrastructureError, "infrastructure error: " + why);

    public static Judgement Skip(string why) => new(VerdictOutcome.Skipped, "skipped: " + why);
}
