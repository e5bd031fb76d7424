using System.Text;
using Warden.Checks.Analysis;

namespace Warden.Checks.Python;

/// <summary>
/// A Python tokenizer for analysis: names (NFKC-folded as Python does), numbers, strings with
/// every prefix (raw, bytes, f/t-strings) and triple quotes, comments, line continuations and
/// logical newlines. f-string fields are tokenized as code, so calls hidden in them are seen.
/// It never fails: malformed input yields the tokens it could make sense of.
/// </summary>
internal sealed class PythonTokenizer
{
    private const int MaxNesting = 32;

    private static readonly string[] Operators =
    [
        "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "**", "//", "<<", ">>",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
    ];

    private readonly List<Token> _tokens = [];
    private int _depth;
    private int _nesting;

    public static List<Token> Tokenize(string code)
    {
        var t = new PythonTokenizer();
        t.Run(new SourceReader(code), inField: false);
        return t._tokens;
    }

    /// <summary>Tokenizes code; in an f-string field, stops before the field's end (<c>}</c>) or its conversion/format spec.</summary>
    private void Run(SourceReader r, bool inField)
    {
        var localDepth = 0;
        while (!r.AtEnd)
        {
            var c = r.Peek();
            if (c == '\n')
            {
                r.Next();
                if (!inField && _depth == 0 && _tokens.Count > 0 && _tokens[^1].Kind != TokenKind.Newline)
                    _tokens.Add(new Token(TokenKind.Newline, "\n", r.Line - 1, 0));
                continue;
            }
            if (c is ' ' or '\t' or '\r' or '\f') { r.Next(); continue; }
            if (c == '#') { r.SkipToEndOfLine(); continue; }
            if (c == '\\' && (r.Peek(1) == '\n' || (r.Peek(1) == '\r' && r.Peek(2) == '\n'))) { r.Skip(r.Peek(1) == '\n' ? 2 : 3); continue; }

            if (inField && localDepth == 0)
            {
                if (c == '}') return;
                if (c == '!' && r.Peek(1) != '=') return;
                if (c == ':' && r.Peek(1) != '=') return;
            }

            if (TryString(r)) continue;
            if (IsIdentifierStart(c)) { ReadName(r); continue; }
            if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(r.Peek(1)))) { ReadNumber(r); continue; }

            var (line, col) = (r.Line, r.Column);
            var op = Operators.FirstOrDefault(r.StartsWith) ?? c.ToString();
            r.Skip(op.Length);
            _tokens.Add(new Token(TokenKind.Operator, op, line, col));
            switch (op)
            {
                case "(" or "[" or "{": _depth++; localDepth++; break;
                case ")" or "]" or "}":
                    if (_depth > 0) _depth--;
                    if (localDepth > 0) localDepth--;
                    break;
            }
        }
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || (c > 0x7F && !char.IsWhiteSpace(c));

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c);

    private void ReadName(SourceReader r)
    {
        var (start, line, col) = (r.Pos, r.Line, r.Column);
        while (!r.AtEnd && IsIdentifierPart(r.Peek())) r.Next();
        var name = PythonIdentifiers.Fold(r.Slice(start));
        _tokens.Add(new Token(TokenKind.Name, name, line, col));
    }

    private void ReadNumber(SourceReader r)
    {
        var (start, line, col) = (r.Pos, r.Line, r.Column);
        var hex = r.Peek() == '0' && r.Peek(1) is 'x' or 'X';
        while (!r.AtEnd)
        {
            var c = r.Peek();
            var prev = r.Pos > start ? r.Text[r.Pos - 1] : '\0';
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.') r.Next();
            else if (c is '+' or '-' && prev is 'e' or 'E' && !hex) r.Next();
            else break;
        }
        var text = r.Slice(start);
        _tokens.Add(new Token(TokenKind.Number, text, line, col, Value: ParseInteger(text)?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static long? ParseInteger(string text)
    {
        var t = text.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        try
        {
            if (t.StartsWith("0x", StringComparison.Ordinal)) return Convert.ToInt64(t[2..], 16);
            if (t.StartsWith("0o", StringComparison.Ordinal)) return Convert.ToInt64(t[2..], 8);
            if (t.StartsWith("0b", StringComparison.Ordinal)) return Convert.ToInt64(t[2..], 2);
            return long.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Reads a string literal (with its prefix) if one starts here.</summary>
    private bool TryString(SourceReader r)
    {
        var prefixLength = 0;
        while (prefixLength < 3 && "rRbBuUfFtT".Contains(r.Peek(prefixLength))) prefixLength++;
        var quote = r.Peek(prefixLength);
        if (quote is not ('\'' or '"')) return false;
        var prefix = r.Text.Substring(r.Pos, prefixLength).ToLowerInvariant();
        if (prefixLength > 0 && (prefixLength > 2 || prefix.Distinct().Count() != prefix.Length)) return false;

        var (start, line, col) = (r.Pos, r.Line, r.Column);
        r.Skip(prefixLength);
        var triple = r.StartsWith(new string(quote, 3));
        r.Skip(triple ? 3 : 1);
        var raw = prefix.Contains('r');
        var formatted = prefix.Contains('f') || prefix.Contains('t');
        var bytes = prefix.Contains('b');

        // The string token goes first; the tokens of f-string fields follow it.
        var index = _tokens.Count;
        _tokens.Add(default);
        var value = new StringBuilder();
        var interpolated = false;
        while (!r.AtEnd)
        {
            var c = r.Peek();
            if (triple ? r.StartsWith(new string(quote, 3)) : c == quote) { r.Skip(triple ? 3 : 1); break; }
            if (!triple && c == '\n') break;
            if (c == '\\')
            {
                if (raw) { value.Append(r.Next()); if (!r.AtEnd) value.Append(r.Next()); }
                else ReadEscape(r, value, bytes);
                continue;
            }
            if (formatted && c == '{')
            {
                if (r.Peek(1) == '{') { r.Skip(2); value.Append('{'); continue; }
                r.Next();
                interpolated = true;
                ReadField(r);
                continue;
            }
            if (formatted && c == '}' && r.Peek(1) == '}') { r.Skip(2); value.Append('}'); continue; }
            value.Append(r.Next());
        }
        _tokens[index] = new Token(TokenKind.String, r.Slice(start), line, col, value.ToString(), interpolated);
        return true;
    }

    /// <summary>An f-string replacement field: code, then an optional <c>!conversion</c> and <c>:format spec</c> (which may nest fields).</summary>
    private void ReadField(SourceReader r)
    {
        if (++_nesting > MaxNesting)
        {
            // Absurd nesting is not code anyone writes; skip to the field's end without analysing it.
            while (!r.AtEnd && r.Peek() != '}') r.Next();
        }
        else
        {
            var savedDepth = _depth;
            Run(r, inField: true);
            _depth = savedDepth;
        }
        if (r.Peek() == '!') { r.Next(); while (!r.AtEnd && char.IsAsciiLetter(r.Peek())) r.Next(); }
        if (r.Peek() == ':')
        {
            r.Next();
            while (!r.AtEnd && r.Peek() != '}' && r.Peek() != '\n')
            {
                if (r.Peek() == '{') { r.Next(); ReadField(r); }
                else r.Next();
            }
        }
        if (r.Peek() == '}') r.Next();
        _nesting--;
    }

    private static void ReadEscape(SourceReader r, StringBuilder value, bool bytes)
    {
        r.Next(); // the backslash
        if (r.AtEnd) { value.Append('\\'); return; }
        var c = r.Next();
        switch (c)
        {
            case '\n': return;
            case '\\' or '\'' or '"': value.Append(c); return;
            case 'a': value.Append('\a'); return;
            case 'b': value.Append('\b'); return;
            case 'f': value.Append('\f'); return;
            case 'n': value.Append('\n'); return;
            case 'r': value.Append('\r'); return;
            case 't': value.Append('\t'); return;
            case 'v': value.Append('\v'); return;
            case >= '0' and <= '7':
                var octal = c - '0';
                for (var i = 0; i < 2 && r.Peek() is >= '0' and <= '7'; i++) octal = octal * 8 + (r.Next() - '0');
                value.Append((char)octal);
                return;
            case 'x': AppendHex(r, value, 2, c); return;
            case 'u' when !bytes: AppendHex(r, value, 4, c); return;
            case 'U' when !bytes: AppendHex(r, value, 8, c); return;
            default: value.Append('\\').Append(c); return;
        }
    }

    private static void AppendHex(SourceReader r, StringBuilder value, int digits, char escape)
    {
        var start = r.Pos;
        for (var i = 0; i < digits && Decoders.IsHex(r.Peek()); i++) r.Next();
        var hex = r.Slice(start);
        if (hex.Length == digits) Decoders.AppendCodePoint(value, Convert.ToInt64(hex, 16));
        else value.Append('\\').Append(escape).Append(hex);
    }
}
