using System.Text;
using Warden.Checks.Analysis;

namespace Warden.Checks.Sql;

/// <summary>
/// A SQL tokenizer for SQLite and PostgreSQL text. It exists so that statement boundaries and
/// keywords are found the way the database finds them: a <c>;</c> inside a string, a quoted
/// identifier, a (nested) comment or a dollar-quoted body is not a boundary. It never fails:
/// an unterminated string or comment runs to the end of the text, as the database would see it.
/// </summary>
internal static class SqlTokenizer
{
    public static List<SqlToken> Tokenize(string sql, SqlDialect dialect)
    {
        var tokens = new List<SqlToken>();
        var r = new SourceReader(sql);
        var pg = dialect == SqlDialect.Postgres;
        while (!r.AtEnd)
        {
            var c = r.Peek();
            var (start, line) = (r.Pos, r.Line);
            if (char.IsWhiteSpace(c)) { r.Next(); continue; }
            if (r.StartsWith("--")) { r.SkipToEndOfLine(); continue; }
            if (r.StartsWith("/*")) { SkipBlockComment(r, nested: pg); continue; }
            if (pg && c == '\\')
            {
                // psql treats a backslash outside quotes as the start of a meta-command running to the end of the line.
                r.SkipToEndOfLine();
                tokens.Add(new SqlToken(SqlTokenKind.MetaCommand, sql[start..r.Pos].Trim(), false, start, r.Pos, line));
                continue;
            }
            if (c == '\'')
            {
                tokens.Add(new SqlToken(SqlTokenKind.String, ReadQuoted(r, '\'', backslashEscapes: false), true, start, r.Pos, line));
                continue;
            }
            if (pg && (c is 'e' or 'E') && r.Peek(1) == '\'')
            {
                r.Next();
                tokens.Add(new SqlToken(SqlTokenKind.String, ReadQuoted(r, '\'', backslashEscapes: true), true, start, r.Pos, line));
                continue;
            }
            if ((c is 'x' or 'X' or 'b' or 'B' or 'n' or 'N') && r.Peek(1) == '\'')
            {
                r.Next();
                tokens.Add(new SqlToken(SqlTokenKind.String, ReadQuoted(r, '\'', backslashEscapes: false), true, start, r.Pos, line));
                continue;
            }
            if (pg && (c is 'u' or 'U') && r.Peek(1) == '&' && r.Peek(2) is '\'' or '"')
            {
                r.Skip(2);
                var quote = r.Peek();
                var raw = ReadQuoted(r, quote, backslashEscapes: false);
                var kind = quote == '"' ? SqlTokenKind.Word : SqlTokenKind.String;
                tokens.Add(new SqlToken(kind, UnicodeEscapes(raw), true, start, r.Pos, line));
                continue;
            }
            if (c == '"' || (!pg && c == '`'))
            {
                tokens.Add(new SqlToken(SqlTokenKind.Word, ReadQuoted(r, c, backslashEscapes: false), true, start, r.Pos, line));
                continue;
            }
            if (!pg && c == '[')
            {
                r.Next();
                var from = r.Pos;
                while (!r.AtEnd && r.Peek() != ']') r.Next();
                var name = sql[from..r.Pos];
                r.Next();
                tokens.Add(new SqlToken(SqlTokenKind.Word, name, true, start, r.Pos, line));
                continue;
            }
            if (pg && c == '$' && TryDollarQuote(r, out var body))
            {
                tokens.Add(new SqlToken(SqlTokenKind.String, body, true, start, r.Pos, line));
                continue;
            }
            if ((c == '$' && char.IsAsciiDigit(r.Peek(1))) || (c == '?' && !pg) || (c is ':' or '@' && !pg && IsWordStart(r.Peek(1))))
            {
                r.Next();
                while (!r.AtEnd && (char.IsAsciiLetterOrDigit(r.Peek()) || r.Peek() == '_')) r.Next();
                tokens.Add(new SqlToken(SqlTokenKind.Parameter, sql[start..r.Pos], false, start, r.Pos, line));
                continue;
            }
            if (IsWordStart(c))
            {
                while (!r.AtEnd && (IsWordStart(r.Peek()) || char.IsAsciiDigit(r.Peek()) || r.Peek() == '$')) r.Next();
                tokens.Add(new SqlToken(SqlTokenKind.Word, sql[start..r.Pos].ToLowerInvariant(), false, start, r.Pos, line));
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(r.Peek(1))))
            {
                while (!r.AtEnd && (char.IsAsciiLetterOrDigit(r.Peek()) || r.Peek() is '.' or '_')) r.Next();
                tokens.Add(new SqlToken(SqlTokenKind.Number, sql[start..r.Pos], false, start, r.Pos, line));
                continue;
            }
            r.Next();
            if (c == ':' && r.Peek() == ':') r.Next();
            tokens.Add(new SqlToken(SqlTokenKind.Operator, sql[start..r.Pos], false, start, r.Pos, line));
        }
        return tokens;
    }

    private static bool IsWordStart(char c) => char.IsAsciiLetter(c) || c == '_' || c > 0x7F;

    private static void SkipBlockComment(SourceReader r, bool nested)
    {
        r.Skip(2);
        var depth = 1;
        while (!r.AtEnd)
        {
            if (nested && r.StartsWith("/*")) { r.Skip(2); depth++; continue; }
            if (r.StartsWith("*/"))
            {
                r.Skip(2);
                if (--depth == 0) return;
                continue;
            }
            r.Next();
        }
    }

    /// <summary>At an opening quote: reads to the closing one (a doubled quote is one quote).</summary>
    private static string ReadQuoted(SourceReader r, char quote, bool backslashEscapes)
    {
        r.Next();
        var sb = new StringBuilder();
        while (!r.AtEnd)
        {
            var c = r.Next();
            if (backslashEscapes && c == '\\' && !r.AtEnd) { sb.Append(r.Next()); continue; }
            if (c == quote)
            {
                if (r.Peek() == quote) { sb.Append(r.Next()); continue; }
                return sb.ToString();
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary><c>$tag$ … $tag$</c> (the tag may be empty).</summary>
    private static bool TryDollarQuote(SourceReader r, out string body)
    {
        body = "";
        var i = 1;
        if (char.IsAsciiDigit(r.Peek(1))) return false;
        while (char.IsAsciiLetterOrDigit(r.Peek(i)) || r.Peek(i) == '_' || r.Peek(i) > 0x7F) i++;
        if (r.Peek(i) != '$') return false;
        var tag = r.Text.Substring(r.Pos, i + 1);
        r.Skip(tag.Length);
        var from = r.Pos;
        while (!r.AtEnd && !r.StartsWith(tag)) r.Next();
        body = r.Text[from..r.Pos];
        r.Skip(tag.Length);
        return true;
    }

    /// <summary>PostgreSQL's <c>U&amp;'\0041'</c> / <c>U&amp;"\+000041"</c> escapes.</summary>
    private static string UnicodeEscapes(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length && s[i + 1] == '\\') { sb.Append('\\'); i++; continue; }
            if (s[i] == '\\' && i + 4 < s.Length && s.Substring(i + 1, 4).All(Decoders.IsHex))
            {
                Decoders.AppendCodePoint(sb, Convert.ToInt64(s.Substring(i + 1, 4), 16));
                i += 4;
                continue;
            }
            if (s[i] == '\\' && i + 7 < s.Length && s[i + 1] == '+' && s.Substring(i + 2, 6).All(Decoders.IsHex))
            {
                Decoders.AppendCodePoint(sb, Convert.ToInt64(s.Substring(i + 2, 6), 16));
                i += 7;
                continue;
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Splits tokens into statements at top-level <c>;</c>. A PostgreSQL <c>BEGIN ATOMIC … END</c>
    /// body and a SQLite trigger's <c>BEGIN … END</c> keep their inner semicolons; a psql
    /// meta-command is a statement of its own.
    /// </summary>
    public static List<List<SqlToken>> Statements(List<SqlToken> tokens)
    {
        var statements = new List<List<SqlToken>>();
        var current = new List<SqlToken>();
        var block = 0;
        var trigger = false;
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == SqlTokenKind.MetaCommand)
            {
                if (current.Count > 0) statements.Add(current);
                statements.Add([t]);
                current = [];
                continue;
            }
            trigger |= t.IsWord("trigger");
            if (t.IsWord("begin") && ((i + 1 < tokens.Count && tokens[i + 1].IsWord("atomic")) || trigger)) block++;
            else if (block > 0 && t.IsWord("case")) block++;
            else if (block > 0 && t.IsWord("end")) block--;
            if (t.IsOp(";") && block == 0)
            {
                if (current.Count > 0) statements.Add(current);
                current = [];
                trigger = false;
                continue;
            }
            current.Add(t);
        }
        if (current.Count > 0) statements.Add(current);
        return statements;
    }
}
