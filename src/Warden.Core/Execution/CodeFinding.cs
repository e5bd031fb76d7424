namespace Warden.Execution;

/// <summary>One advisory finding of the code checks, as carried by a run result (see docs/checks.md).</summary>
public sealed record CodeFinding(string RuleId, string Severity, int Line, int Column, string Message, string? Suggestion);

/// <summary>
/// The advisory code checks as the runner sees them: given a language, the code and a mode
/// (<c>warn</c> or <c>block</c>), the findings and whether the run must be refused. Implemented by
/// Warden.Checks (<c>Warden.Checks.RunnerChecks.Create()</c>); the sandbox, not this, is the boundary.
/// </summary>
public delegate (IReadOnlyList<CodeFinding> Findings, bool Blocked) CodeCheck(string language, string code, string mode);

/// <summary>The request's check mode was <c>block</c> and a finding reached block level; nothing ran.</summary>
public sealed class CodeCheckRefusedException(IReadOnlyList<CodeFinding> findings)
    : WardenException("code-check-blocked", $"The code checks refused the run ({findings.Count} finding(s)); see findings. Advisory: the sandbox is the security boundary.")
{
    /// <summary>The findings that led to the refusal (and any others).</summary>
    public IReadOnlyList<CodeFinding> Findings { get; } = findings;
}
