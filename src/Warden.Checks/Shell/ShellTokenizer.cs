using System.Text;
using Warden.Checks.Analysis;

namespace Warden.Checks.Shell;

/// <summary>
/// A POSIX/bash tokenizer with real quoting: single quotes, double quotes (with expansions
/// inside), <c>$'...'</c> ANSI-C strings (decoded), backslash escapes, <c>$var</c>/<c>${...}</c>,
/// <c>$(...)</c>, backticks, <c>$((...))</c>, process substitution, comments, line continuations,
/// redirections with file descriptors, and here-documents. It never fails.
/// </summary>
internal sealed class ShellTokenizer
{
    private static readonly string[] Operators =
    [
        ";;&", "&>>", "<<<", "<<-", "&&", "||", ";;", ";&", "|&", "<<", ">>", ">|", ">&", "<&", "<>", "&>", "|", "&", ";", "(", ")", "<", ">",
    ];

    private readonly List<ShellToken> _tokens = [];
    private readonly Queue<(ShellToken Delimiter, bool StripTabs)> _pendingHeredocs = new();

    /// <summary>1 after <c>&lt;&lt;</c>, 2 after <c>&lt;&lt;-</c>: the next word is a here-document delimiter.</summary>
    private int _expectHeredocDelimiter;

    public static List<ShellToken> Tokenize(string text, SourceRegion? region = null)
    {
        var r = region is { } g ? new SourceReader(text, g.Start, g.End, g.Line, g.Column) : new SourceReader(text);
        var t = new ShellTokenizer();
        t.Run(r);
        return t._tokens;
    }

    private void Run(SourceReader r)
    {
        while (!r.AtEnd)
        {
            var c = r.Peek();
            if (c == '\\' && r.Peek(1) == '\n') { r.Skip(2); continue; }
            if (c is ' ' or '\t' or '\r') { r.Next(); continue; }
            if (c == '#') { r.SkipToEndOfLine(); continue; }
            if (c == '\n')
            {
                _tokens.Add(new ShellToken(true, "\n", r.Line, r.Column, []));
                r.Next();
                ReadHeredocBodies(r);
                continue;
            }
            if ((c is '<' or '>') && r.Peek(1) == '(') { ReadWord(r); continue; }
            var (line, col) = (r.Line, r.Column);
            // A file descriptor number directly before a redirection belongs to it: 2>&1, 0<&3.
            var digits = 0;
            while (char.IsAsciiDigit(r.Peek(digits))) digits++;
            var afterDigits = r.Peek(digits);
            if (digits > 0 && (afterDigits is '<' or '>'))
            {
                var start = r.Pos;
                r.Skip(digits);
                var op = Operators.First(o => r.StartsWith(o));
                r.Skip(op.Length);
                AddOperator(r.Text[start..r.Pos], line, col, op);
                continue;
            }
            var hit = Operators.FirstOrDefault(r.StartsWith);
            if (hit is not null)
            {
                r.Skip(hit.Length);
                AddOperator(hit, line, col, hit);
                continue;
            }
            ReadWord(r);
        }
    }

    private void AddOperator(string text, int line, int col, string op)
    {
        _tokens.Add(new ShellToken(true, text, line, col, []));
        if (op is "<<" or "<<-") _expectHeredocDelimiter = op == "<<-" ? 2 : 1;
    }

    private void ReadWord(SourceReader r)
    {
        var (line, col) = (r.Line, r.Column);
        var start = r.Pos;
        var segments = new List<ShellSegment>();
        var literal = new StringBuilder();
        void Flush(bool quoted)
        {
            if (literal.Length == 0) return;
            segments.Add(new ShellSegment(ShellSegmentKind.Literal, literal.ToString(), quoted));
            literal.Clear();
        }

        while (!r.AtEnd)
        {
            var c = r.Peek();
            if (c is ' ' or '\t' or '\r' or '\n' or ';' or '&' or '|' or ')') break;
            if (c is '<' or '>')
            {
                if (r.Peek(1) != '(') break;
                Flush(false);
                r.Skip(2);
                segments.Add(ReadCommandSubstitution(r, quoted: false));
                continue;
            }
            if (c == '(') break;
            if (c == '\\')
            {
                r.Next();
                if (r.AtEnd) break;
                if (r.Peek() == '\n') { r.Next(); continue; }
                literal.Append(r.Next());
                continue;
            }
            if (c == '\'')
            {
                Flush(false);
                r.Next();
                while (!r.AtEnd && r.Peek() != '\'') literal.Append(r.Next());
                r.Next();
                segments.Add(new ShellSegment(ShellSegmentKind.Literal, literal.ToString(), true));
                literal.Clear();
                continue;
            }
            if (c == '$' && r.Peek(1) == '\'')
            {
                Flush(false);
                r.Skip(2);
                ReadAnsiC(r, literal);
                segments.Add(new ShellSegment(ShellSegmentKind.Literal, literal.ToString(), true));
                literal.Clear();
                continue;
            }
            if (c == '"' || (c == '$' && r.Peek(1) == '"'))
            {
                Flush(false);
                r.Skip(c == '$' ? 2 : 1);
                ReadDoubleQuoted(r, segments);
                continue;
            }
            if (c == '$' || c == '`')
            {
                Flush(false);
                if (!TryReadExpansion(r, segments, quoted: false)) literal.Append(r.Next());
                continue;
            }
            literal.Append(r.Next());
        }
        Flush(false);
        if (r.Pos == start) { r.Next(); return; } // a stray character: skip it rather than loop
        var token = new ShellToken(false, r.Text[start..r.Pos], line, col, segments);
        _tokens.Add(token);
        if (_expectHeredocDelimiter > 0)
        {
            _pendingHeredocs.Enqueue((token, _expectHeredocDelimiter == 2));
            _expectHeredocDelimiter = 0;
        }
    }

    private void ReadDoubleQuoted(SourceReader r, List<ShellSegment> segments)
    {
        var literal = new StringBuilder();
        var first = segments.Count;
        void Flush()
        {
            if (literal.Length == 0) return;
            segments.Add(new ShellSegment(ShellSegmentKind.Literal, literal.ToString(), true));
            literal.Clear();
        }
        while (!r.AtEnd && r.Peek() != '"')
        {
            var c = r.Peek();
            if (c == '\\' && r.Peek(1) is '$' or '`' or '"' or '\\' or '\n')
            {
                r.Next();
                var escaped = r.Next();
                if (escaped != '\n') literal.Append(escaped);
                continue;
            }
            if (c is '$' or '`')
            {
                Flush();
                if (!TryReadExpansion(r, segments, quoted: true)) literal.Append(r.Next());
                continue;
            }
            literal.Append(r.Next());
        }
        r.Next();
        Flush();
        if (segments.Count == first) segments.Add(new ShellSegment(ShellSegmentKind.Literal, "", true)); // ""
    }

    /// <summary>At <c>$</c> or a backtick: reads an expansion, or returns false for a lone <c>$</c>.</summary>
    private static bool TryReadExpansion(SourceReader r, List<ShellSegment> segments, bool quoted)
    {
        if (r.Peek() == '`')
        {
            r.Next();
            var start = r.Pos;
            var (l, k) = (r.Line, r.Column);
            while (!r.AtEnd && r.Peek() != '`') { if (r.Peek() == '\\') r.Next(); if (!r.AtEnd) r.Next(); }
            segments.Add(new ShellSegment(ShellSegmentKind.Command, r.Text[start..r.Pos], quoted, new SourceRegion(start, r.Pos, l, k)));
            if (!r.AtEnd) r.Next();
            return true;
        }
        if (r.StartsWith("$(("))
        {
            r.Skip(3);
            SkipBalanced(r, '(', ')');
            if (r.Peek() == ')') r.Next();
            segments.Add(new ShellSegment(ShellSegmentKind.Arithmetic, "", quoted));
            return true;
        }
        if (r.StartsWith("$("))
        {
            r.Skip(2);
            segments.Add(ReadCommandSubstitution(r, quoted));
            return true;
        }
        if (r.StartsWith("${"))
        {
            r.Skip(2);
            var start = r.Pos;
            SkipBalanced(r, '{', '}');
            var inner = r.Text[start..r.Pos];
            if (r.Peek() == '}') r.Next();
            var name = new string(inner.TakeWhile(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_').ToArray());
            // ${x} is the variable; ${x:-...}, ${!x}, ${x/a/b} and friends are only known at run time.
            segments.Add(new ShellSegment(ShellSegmentKind.Variable, name.Length == inner.Length ? name : "", quoted));
            return true;
        }
        var next = r.Peek(1);
        if (char.IsAsciiLetter(next) || next == '_')
        {
            r.Next();
            var start = r.Pos;
            while (char.IsAsciiLetterOrDigit(r.Peek()) || r.Peek() == '_') r.Next();
            segments.Add(new ShellSegment(ShellSegmentKind.Variable, r.Text[start..r.Pos], quoted));
            return true;
        }
        if (char.IsAsciiDigit(next) || next is '@' or '*' or '#' or '?' or '$' or '!' or '-')
        {
            r.Skip(2);
            segments.Add(new ShellSegment(ShellSegmentKind.Variable, "", quoted));
            return true;
        }
        return false;
    }

    /// <summary>After <c>$(</c> or <c>&lt;(</c>: the inner code up to the matching parenthesis.</summary>
    private static ShellSegment ReadCommandSubstitution(SourceReader r, bool quoted)
    {
        var start = r.Pos;
        var (l, k) = (r.Line, r.Column);
        SkipBalanced(r, '(', ')');
        var end = r.Pos;
        if (r.Peek() == ')') r.Next();
        return new ShellSegment(ShellSegmentKind.Command, r.Text[start..end], quoted, new SourceRegion(start, end, l, k));
    }

    /// <summary>Advances to the unmatched <paramref name="close"/>, skipping quotes and nested pairs.</summary>
    private static void SkipBalanced(SourceReader r, char open, char close)
    {
        var depth = 0;
        while (!r.AtEnd)
        {
            var c = r.Peek();
            if (c == '\\') { r.Next(); if (!r.AtEnd) r.Next(); continue; }
            if (c == '\'') { r.Next(); while (!r.AtEnd && r.Peek() != '\'') r.Next(); if (!r.AtEnd) r.Next(); continue; }
            if (c == '"')
            {
                r.Next();
                while (!r.AtEnd && r.Peek() != '"') { if (r.Peek() == '\\') r.Next(); if (!r.AtEnd) r.Next(); }
                if (!r.AtEnd) r.Next();
                continue;
            }
            if (c == open) depth++;
            else if (c == close)
            {
                if (depth == 0) return;
                depth--;
            }
            r.Next();
        }
    }

    /// <summary>The body of <c>$'...'</c>: C escapes decoded (<c>$'\x72\x6d'</c> is <c>rm</c>).</summary>
    private static void ReadAnsiC(SourceReader r, StringBuilder value)
    {
        while (!r.AtEnd && r.Peek() != '\'')
        {
            var c = r.Next();
            if (c != '\\' || r.AtEnd) { value.Append(c); continue; }
            var e = r.Next();
            switch (e)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case 'a': value.Append('\a'); break;
                case 'b': value.Append('\b'); break;
                case 'e' or 'E': value.Append('\x1b'); break;
                case 'f': value.Append('\f'); break;
                case 'v': value.Append('\v'); break;
                case 'x': AppendNumber(r, value, 16, 2); break;
                case 'u': AppendNumber(r, value, 16, 4); break;
                case 'U': AppendNumber(r, value, 16, 8); break;
                case >= '0' and <= '7':
                    var octal = e - '0';
                    for (var i = 0; i < 2 && r.Peek() is >= '0' and <= '7'; i++) octal = octal * 8 + (r.Next() - '0');
                    value.Append((char)octal);
                    break;
                default: value.Append(e); break;
            }
        }
        if (!r.AtEnd) r.Next();
    }

    private static void AppendNumber(SourceReader r, StringBuilder value, int radix, int maxDigits)
    {
        var start = r.Pos;
        for (var i = 0; i < maxDigits && Decoders.IsHex(r.Peek()); i++) r.Next();
        if (r.Pos > start) Decoders.AppendCodePoint(value, Convert.ToInt64(r.Text[start..r.Pos], radix));
    }

    /// <summary>After a newline: the bodies of here-documents opened on the line just ended.</summary>
    private void ReadHeredocBodies(SourceReader r)
    {
        while (_pendingHeredocs.Count > 0)
        {
            var (delimiterToken, stripTabs) = _pendingHeredocs.Dequeue();
            var delimiter = string.Concat(delimiterToken.Segments.Where(s => s.Kind == ShellSegmentKind.Literal).Select(s => s.Text));
            var (start, line, col) = (r.Pos, r.Line, r.Column);
            var end = r.Pos;
            while (!r.AtEnd)
            {
                var lineStart = r.Pos;
                r.SkipToEndOfLine();
                var text = r.Text[lineStart..r.Pos];
                if ((stripTabs ? text.TrimStart('\t') : text).TrimEnd('\r') == delimiter)
                {
                    end = lineStart;
                    if (!r.AtEnd) r.Next();
                    break;
                }
                if (!r.AtEnd) r.Next();
                end = r.Pos;
            }
            delimiterToken.Heredoc = new SourceRegion(start, end, line, col);
        }
    }
}
