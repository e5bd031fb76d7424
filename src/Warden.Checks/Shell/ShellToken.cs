namespace Warden.Checks.Shell;

/// <summary>
/// A shell word (made of <see cref="Segments"/>) or an operator (<c>|</c>, <c>&amp;&amp;</c>, <c>;</c>,
/// a newline as <c>"\n"</c>, a redirection such as <c>2&gt;&amp;</c>). <see cref="Text"/> is the source text.
/// </summary>
internal sealed record ShellToken(bool IsOperator, string Text, int Line, int Column, IReadOnlyList<ShellSegment> Segments)
{
    /// <summary>For the delimiter word of a here-document: the body.</summary>
    public SourceRegion? Heredoc { get; set; }

    public bool IsOp(string op) => IsOperator && Text == op;

    /// <summary>The word's text when it is a plain literal (no expansions), else null.</summary>
    public string? Literal => !IsOperator && Segments.All(s => s.Kind == ShellSegmentKind.Literal) ? string.Concat(Segments.Select(s => s.Text)) : null;

    public bool IsRedirection => IsOperator && Text.Length > 0 && (Text.Contains('<') || Text.Contains('>')) && Text is not ("<(" or ">(");
}
