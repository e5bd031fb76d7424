namespace Warden.Checks;

/// <summary>
/// The code checks refused a run in <see cref="CheckMode.Block"/> mode. <see cref="Report"/>
/// holds every finding. The checks are advisory: this says the code looked dangerous, not that
/// the sandbox could not contain it.
/// </summary>
public sealed class CodeCheckBlockedException(CheckReport report)
    : WardenException("code-check-blocked", Describe(report))
{
    /// <summary>The findings that led to the refusal (and any others).</summary>
    public CheckReport Report { get; } = report;

    private static string Describe(CheckReport report)
    {
        var blocking = report.Findings.Where(f => f.Severity == Severity.Block).ToList();
        var first = blocking.FirstOrDefault();
        var what = first is null ? "" : $" First: {first.RuleId} at line {first.Line}, column {first.Column}: {first.Message}.";
        return $"The code checks refused this run: {blocking.Count} block-level finding(s).{what} Change the code, or the check policy (mode warn, or disable the rule).";
    }
}
