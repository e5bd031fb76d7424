namespace Warden.Checks;

/// <summary>A rule the code checks know.</summary>
/// <param name="Id">Stable id, such as <c>sh.rm-root</c>.</param>
/// <param name="Language">The checker it belongs to: <c>python</c>, <c>javascript</c> or <c>shell</c>.</param>
/// <param name="DefaultSeverity">Severity unless the policy overrides it.</param>
/// <param name="Title">What the rule looks for.</param>
/// <param name="Suggestion">The safer alternative offered with its findings, if any.</param>
public sealed record RuleInfo(string Id, string Language, Severity DefaultSeverity, string Title, string? Suggestion);
