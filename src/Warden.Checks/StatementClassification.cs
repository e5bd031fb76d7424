namespace Warden.Checks;

/// <summary>One statement of a SQL text and what it does.</summary>
/// <param name="Text">The statement's source text (without the terminating semicolon).</param>
/// <param name="Kind">The most concerning thing it does.</param>
/// <param name="Reasons">Why it is not a plain read, one line per finding; empty for reads.</param>
/// <param name="Line">1-based line where it starts.</param>
public sealed record StatementClassification(string Text, StatementKind Kind, IReadOnlyList<string> Reasons, int Line);
