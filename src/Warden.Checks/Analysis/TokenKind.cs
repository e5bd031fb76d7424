namespace Warden.Checks.Analysis;

/// <summary>The token kinds the Python and JavaScript tokenizers share.</summary>
internal enum TokenKind
{
    /// <summary>No token (what <see cref="TokenList.At"/> returns past either end).</summary>
    None,
    Name,
    Number,
    /// <summary>A string literal; <see cref="Token.Value"/> holds its decoded text.</summary>
    String,
    Operator,
    /// <summary>End of a logical line (Python only).</summary>
    Newline,
    /// <summary>A regular-expression literal (JavaScript only).</summary>
    Regex,
}
