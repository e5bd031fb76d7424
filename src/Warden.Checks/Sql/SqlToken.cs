namespace Warden.Checks.Sql;

/// <summary>
/// One SQL token. <see cref="Value"/> is what the database sees: a word's identifier
/// (lower-cased when unquoted, exact when quoted), a string's contents.
/// </summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, string Value, bool Quoted, int Start, int End, int Line)
{
    /// <summary>The text as the database reads it; empty for <see cref="SqlTokenKind.None"/>.</summary>
    public string Value { get; init; } = Value ?? "";

    public bool IsWord(string lower) => Kind == SqlTokenKind.Word && !Quoted && Value == lower;
    public bool IsOp(string op) => Kind == SqlTokenKind.Operator && Value == op;
}
