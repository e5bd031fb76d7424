namespace Warden.Checks.Tests;

/// <summary>Short helpers for checker tests.</summary>
internal static class CheckAssert
{
    public static CheckReport Run(string language, string code, CheckPolicy? policy = null) =>
        CodeChecker.Check(language, code, policy ?? new CheckPolicy { Mode = CheckMode.Block });

    public static Finding Flags(string language, string code, string rule)
    {
        var report = Run(language, code);
        return Assert.Single(report.Findings, f => f.RuleId == rule);
    }

    public static void Clean(string language, string code)
    {
        var report = Run(language, code);
        Assert.True(report.Findings.Count == 0,
            "expected no findings, got: " + string.Join("; ", report.Findings.Select(f => $"{f.Line}:{f.Column} {f.RuleId} {f.Message}")));
    }

    public static void NoBlock(string language, string code)
    {
        var report = Run(language, code);
        Assert.True(report.HighestSeverity != Severity.Block,
            "expected no block finding, got: " + string.Join("; ", report.Findings.Select(f => $"{f.Line}:{f.Column} {f.RuleId} {f.Message}")));
    }
}
