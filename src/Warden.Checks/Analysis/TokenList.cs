namespace Warden.Checks.Analysis;

/// <summary>
/// Tokens plus what every analyser needs about them: the matching bracket of each
/// bracket (computed once, so walking a call's arguments is linear) and argument splitting.
/// </summary>
internal sealed class TokenList
{
    private readonly int[] _match;

    public TokenList(List<Token> tokens)
    {
        Items = tokens;
        _match = new int[tokens.Count];
        Array.Fill(_match, -1);
        var stack = new Stack<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind != TokenKind.Operator) continue;
            switch (t.Text)
            {
                case "(" or "[" or "{":
                    stack.Push(i);
                    break;
                case ")" or "]" or "}":
                    if (stack.Count > 0 && Closes(tokens[stack.Peek()].Text, t.Text))
                    {
                        var open = stack.Pop();
                        _match[open] = i;
                        _match[i] = open;
                    }
                    break;
            }
        }
    }

    public List<Token> Items { get; }
    public int Count => Items.Count;
    public Token this[int i] => Items[i];

    /// <summary>The token at <paramref name="i"/>, or a harmless placeholder past either end.</summary>
    public Token At(int i) => i >= 0 && i < Items.Count ? Items[i] : default;

    /// <summary>
    /// Index of the bracket that closes the one at <paramref name="open"/>. An unbalanced bracket
    /// closes itself: it is read as an empty group, so malformed input costs linear time, not quadratic.
    /// </summary>
    public int Close(int open) => _match[open] >= 0 ? _match[open] : open;

    /// <summary>Whether the bracket at <paramref name="i"/> has a partner.</summary>
    public bool IsMatched(int i) => i >= 0 && i < _match.Length && _match[i] >= 0;

    /// <summary>Splits the tokens between an opening bracket and its match at top-level commas.</summary>
    public List<Range> Arguments(int open)
    {
        var close = Close(open);
        var args = new List<Range>();
        if (close == open) return args;
        var start = open + 1;
        for (var i = open + 1; i < close; i++)
        {
            var t = Items[i];
            if (t.Kind == TokenKind.Operator && _match[i] > i && IsOpener(t.Text)) { i = _match[i]; continue; }
            if (t.IsOp(","))
            {
                args.Add(start..i);
                start = i + 1;
            }
        }
        if (close > start) args.Add(start..close);
        return args;
    }

    /// <summary>Whether any token in <paramref name="range"/> is a name among <paramref name="names"/>.</summary>
    public bool AnyName(Range range, IReadOnlySet<string> names)
    {
        var (from, length) = range.GetOffsetAndLength(Items.Count);
        for (var i = from; i < from + length; i++)
            if (Items[i].Kind == TokenKind.Name && names.Contains(Items[i].Text)) return true;
        return false;
    }

    private static bool IsOpener(string s) => s is "(" or "[" or "{";

    private static bool Closes(string open, string close) => (open, close) switch
    {
        ("(", ")") or ("[", "]") or ("{", "}") => true,
        _ => false,
    };
}
