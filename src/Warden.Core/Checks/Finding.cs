namespace Warden.Checks;

/// <summary>One thing a code check noticed.</summary>
/// <param name="RuleId">Stable rule id such as <c>py.process-exec</c> (the rules are listed in docs/checks.md).</param>
/// <param name="Severity">Severity after the policy's overrides.</param>
/// <param name="Line">1-based line of the construct.</param>
/// <param name="Column">1-based column (in UTF-16 code units) of the construct.</param>
/// <param name="Message">What was found, in words.</param>
/// <param name="Suggestion">A safer way to do the same thing, where there is one.</param>
public sealed record Finding(string RuleId, Severity Severity, int Line, int Column, string Message, string? Suggestion = null);
