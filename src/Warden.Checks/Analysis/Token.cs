namespace Warden.Checks.Analysis;

/// <summary>
/// One token. For strings <see cref="Value"/> is the decoded text and <see cref="Interpolated"/>
/// says whether parts of it (f-string fields, template substitutions) are only known at run time;
/// the substitutions' own tokens follow the string token in the stream.
/// </summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column, string? Value = null, bool Interpolated = false)
{
    public bool IsOp(string text) => Kind == TokenKind.Operator && Text == text;
    public bool IsName(string text) => Kind == TokenKind.Name && Text == text;
    public bool IsPlainString => Kind == TokenKind.String && !Interpolated;
}
