using Warden.Execution;

namespace Warden.Checks;

/// <summary>Connects the advisory code checks to the runner (<see cref="RunRequest.Check"/>).</summary>
public static class RunnerChecks
{
    /// <summary>A <see cref="CodeCheck"/> over <see cref="CodeChecker"/> with <paramref name="policy"/>'s rules (the request's mode wins).</summary>
    public static CodeCheck Create(CheckPolicy? policy = null) => (language, code, mode) =>
    {
        var p = (policy ?? CheckPolicy.Default) with { Mode = mode == "block" ? CheckMode.Block : CheckMode.Warn };
        var report = CodeChecker.Check(language, code, p);
        var findings = report.Findings
            .Select(f => new CodeFinding(f.RuleId, f.Severity.ToString().ToLowerInvariant(), f.Line, f.Column, f.Message, f.Suggestion))
            .ToList();
        return (findings, report.Blocked);
    };
}
