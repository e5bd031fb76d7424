using System.Text;
using Warden.Checks.Analysis;

namespace Warden.Checks.JavaScript;

/// <summary>
/// A JavaScript tokenizer for analysis: identifiers (with <c>\u</c> escapes decoded, so
/// <c>\u0065val</c> is <c>eval</c>), numbers, strings with every escape, template literals
/// (whose substitutions are tokenized as code), regular-expression literals (told apart from
/// division by the previous token), comments and a leading hashbang. It never fails.
/// </summary>
internal sealed class JsTokenizer
{
    private const int MaxNesting = 32;

    private static readonly string[] Operators =
    [
        ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=", ">=", "&&", "||",
        "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>",
    ];

    /// <summary>Keywords after which a <c>/</c> starts a regular expression rather than a division.</summary>
    private static readonly HashSet<string> RegexAfterKeywords =
        ["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"];

    private readonly List<Token> _tokens = [];
    private int _nesting;

    public static List<Token> Tokenize(string code)
    {
        var t = new JsTokenizer();
        var r = new SourceReader(code);
        if (r.StartsWith("#!")) r.SkipToEndOfLine();
        t.Run(r, inSubstitution: false);
        return t._tokens;
    }

    private void Run(SourceReader r, bool inSubstitution)
    {
        var depth = 0;
        while (!r.AtEnd)
        {
            var c = r.Peek();
            if (char.IsWhiteSpace(c) || c == '\uFEFF') { r.Next(); continue; }
            if (r.StartsWith("//")) { r.SkipToEndOfLine(); continue; }
            if (r.StartsWith("/*"))
            {
                r.Skip(2);
                while (!r.AtEnd && !r.StartsWith("*/")) r.Next();
                r.Skip(2);
                continue;
            }
            if (c == '}' && inSubstitution && depth == 0) return;
            if (c is '\'' or '"') { ReadString(r, c); continue; }
            if (c == '`') { ReadTemplate(r); continue; }
            if (IsIdentifierStart(c) || (c == '\\' && r.Peek(1) == 'u')) { ReadIdentifier(r); continue; }
            if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(r.Peek(1)))) { ReadNumber(r); continue; }
            if (c == '/' && RegexAllowed()) { ReadRegex(r); continue; }

            var (line, col) = (r.Line, r.Column);
            var op = Operators.FirstOrDefault(o => r.StartsWith(o) && !(o == "?." && char.IsAsciiDigit(r.Peek(2)))) ?? c.ToString();
            r.Skip(op.Length);
            _tokens.Add(new Token(TokenKind.Operator, op, line, col));
            if (op is "(" or "[" or "{") depth++;
            else if (op is ")" or "]" or "}" && depth > 0) depth--;
        }
    }

    private bool RegexAllowed()
    {
        if (_tokens.Count == 0) return true;
        var prev = _tokens[^1];
        return prev.Kind switch
        {
            TokenKind.Name => RegexAfterKeywords.Contains(prev.Text),
            TokenKind.Operator => prev.Text is not (")" or "]" or "++" or "--"),
            _ => false,
        };
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c is '_' or '$' || (c > 0x7F && char.IsLetter(c));

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c) || (c > 0x7F && char.IsLetterOrDigit(c)) || c is '\u200C' or '\u200D';

    private void ReadIdentifier(SourceReader r)
    {
        var (line, col) = (r.Line, r.Column);
        var name = new StringBuilder();
        while (!r.AtEnd)
        {
            var c = r.Peek();
            if (c == '\\' && r.Peek(1) == 'u') { r.Skip(2); ReadUnicodeEscape(r, name); }
            else if (IsIdentifierPart(c) || char.IsSurrogate(c)) name.Append(r.Next());
            else break;
        }
        _tokens.Add(new Token(TokenKind.Name, name.ToString(), line, col));
    }

    private void ReadNumber(SourceReader r)
    {
        var (start, line, col) = (r.Pos, r.Line, r.Column);
        while (!r.AtEnd)
        {
            var c = r.Peek();
            var prev = r.Pos > start ? r.Text[r.Pos - 1] : '\0';
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.') r.Next();
            else if (c is '+' or '-' && prev is 'e' or 'E' && !r.Slice(start).StartsWith("0x", StringComparison.OrdinalIgnoreCase)) r.Next();
            else break;
        }
        var text = r.Slice(start);
        var clean = text.Replace("_", "", StringComparison.Ordinal).TrimEnd('n');
        long? value = null;
        if (clean.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && clean.Length > 2 && clean[2..].All(Decoders.IsHex) && clean.Length <= 17)
            value = Convert.ToInt64(clean[2..], 16);
        else if (long.TryParse(clean, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
            value = v;
        _tokens.Add(new Token(TokenKind.Number, text, line, col, value?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private void ReadString(SourceReader r, char quote)
    {
        var (start, line, col) = (r.Pos, r.Line, r.Column);
        r.Next();
        var value = new StringBuilder();
        while (!r.AtEnd && r.Peek() != quote && r.Peek() != '\n')
        {
            if (r.Peek() == '\\') ReadEscape(r, value);
            else value.Append(r.Next());
        }
        if (r.Peek() == quote) r.Next();
        _tokens.Add(new Token(TokenKind.String, r.Slice(start), line, col, value.ToString()));
    }

    /// <summary>A template literal: one string token (its cooked text), then the substitutions' tokens, each wrapped in parentheses.</summary>
    private void ReadTemplate(SourceReader r)
    {
        var (start, line, col) = (r.Pos, r.Line, r.Column);
        r.Next();
        var index = _tokens.Count;
        _tokens.Add(default);
        var value = new StringBuilder();
        var interpolated = false;
        while (!r.AtEnd && r.Peek() != '`')
        {
            if (r.Peek() == '\\') { ReadEscape(r, value); continue; }
            if (r.StartsWith("${"))
            {
                interpolated = true;
                var (l, c) = (r.Line, r.Column);
                r.Skip(2);
                _tokens.Add(new Token(TokenKind.Operator, "(", l, c));
                if (++_nesting <= MaxNesting) Run(r, inSubstitution: true);
                else while (!r.AtEnd && r.Peek() != '}') r.Next();
                _nesting--;
                _tokens.Add(new Token(TokenKind.Operator, ")", r.Line, r.Column));
                if (r.Peek() == '}') r.Next();
                continue;
            }
            value.Append(r.Next());
        }
        if (r.Peek() == '`') r.Next();
        _tokens[index] = new Token(TokenKind.String, r.Slice(start), line, col, value.ToString(), interpolated);
    }

    private void ReadRegex(SourceReader r)
    {
        var (start, line, col) = (r.Pos, r.Line, r.Column);
        r.Next();
        var inClass = false;
        while (!r.AtEnd && r.Peek() != '\n')
        {
            var c = r.Next();
            if (c == '\\') { if (!r.AtEnd) r.Next(); }
            else if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            else if (c == '/' && !inClass) break;
        }
        while (!r.AtEnd && char.IsAsciiLetter(r.Peek())) r.Next();
        _tokens.Add(new Token(TokenKind.Regex, r.Slice(start), line, col));
    }

    private static void ReadEscape(SourceReader r, StringBuilder value)
    {
        r.Next(); // the backslash
        if (r.AtEnd) return;
        var c = r.Next();
        switch (c)
        {
            case '\n': return;
            case '\r': if (r.Peek() == '\n') r.Next(); return;
            case 'n': value.Append('\n'); return;
            case 't': value.Append('\t'); return;
            case 'r': value.Append('\r'); return;
            case 'b': value.Append('\b'); return;
            case 'f': value.Append('\f'); return;
            case 'v': value.Append('\v'); return;
            case 'x':
                ReadHex(r, value, 2);
                return;
            case 'u':
                ReadUnicodeEscape(r, value);
                return;
            case >= '0' and <= '7':
                var octal = c - '0';
                for (var i = 0; i < 2 && r.Peek() is >= '0' and <= '7' && octal * 8 + (r.Peek() - '0') < 256; i++) octal = octal * 8 + (r.Next() - '0');
                value.Append((char)octal);
                return;
            default:
                value.Append(c);
                return;
        }
    }

    /// <summary>After <c>\u</c>: four hex digits or <c>{hex}</c>.</summary>
    private static void ReadUnicodeEscape(SourceReader r, StringBuilder value)
    {
        if (r.Peek() == '{')
        {
            r.Next();
            var start = r.Pos;
            while (!r.AtEnd && Decoders.IsHex(r.Peek()) && r.Pos - start < 8) r.Next();
            var hex = r.Slice(start);
            if (r.Peek() == '}') r.Next();
            if (hex.Length > 0) Decoders.AppendCodePoint(value, Convert.ToInt64(hex, 16));
            return;
        }
        ReadHex(r, value, 4);
    }

    private static void ReadHex(SourceReader r, StringBuilder value, int digits)
    {
        var start = r.Pos;
        for (var i = 0; i < digits && Decoders.IsHex(r.Peek()); i++) r.Next();
        var hex = r.Slice(start);
        if (hex.Length == digits) Decoders.AppendCodePoint(value, Convert.ToInt64(hex, 16));
    }
}
