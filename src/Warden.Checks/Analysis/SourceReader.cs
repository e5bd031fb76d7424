namespace Warden.Checks.Analysis;

/// <summary>
/// A cursor over a slice of source text that keeps 1-based line and column numbers, so a
/// tokenizer can hand a nested region (an f-string field, a template substitution) to
/// itself and still report positions in the original file.
/// </summary>
internal sealed class SourceReader(string text, int start, int end, int line, int column)
{
    public SourceReader(string text) : this(text, 0, text.Length, 1, 1) { }

    public string Text { get; } = text;
    public int End { get; } = end;
    public int Pos { get; private set; } = start;
    public int Line { get; private set; } = line;
    public int Column { get; private set; } = column;

    public bool AtEnd => Pos >= End;

    public char Peek(int ahead = 0) => Pos + ahead < End ? Text[Pos + ahead] : '\0';

    /// <summary>Consumes one character; at the end, consumes nothing and returns <c>'\0'</c>.</summary>
    public char Next()
    {
        if (AtEnd) return '\0';
        var c = Text[Pos++];
        if (c == '\n') { Line++; Column = 1; }
        else Column++;
        return c;
    }

    public void Skip(int count)
    {
        for (var i = 0; i < count && !AtEnd; i++) Next();
    }

    public bool StartsWith(string s) => Pos + s.Length <= End && string.CompareOrdinal(Text, Pos, s, 0, s.Length) == 0;

    public string Slice(int from) => Text[from..Pos];

    public void SkipToEndOfLine()
    {
        while (!AtEnd && Peek() != '\n') Next();
    }
}
