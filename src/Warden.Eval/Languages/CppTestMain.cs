using System.Text;
using System.Text.RegularExpressions;

namespace Warden.Eval.Languages;

/// <summary>
/// Renames the <c>main</c> of a C++ test program so that the harness's own <c>main</c> can
/// call it and prove it returned. Falling off the end of a renamed <c>main</c> would be
/// undefined behaviour, so a <c>return 0;</c> is added before its closing brace.
/// </summary>
internal static partial class CppTestMain
{
    /// <summary>The name the test's <c>main</c> gets.</summary>
    public const string RenamedMain = "warden_eval_test_main";

    [GeneratedRegex(@"\bint\s+main\s*\(")]
    private static partial Regex MainSignature();

    /// <summary>The test with its <c>main</c> renamed and closed by <c>return 0;</c>; null when no well-formed <c>int main(</c> is found.</summary>
    public static string? Rename(string test)
    {
        var match = MainSignature().Match(test);
        if (!match.Success || IsInCommentOrLiteral(test, match.Index)) return null;
        var open = FindCode(test, match.Index + match.Length, '{');
        if (open < 0) return null;
        var close = MatchingBrace(test, open);
        if (close < 0) return null;
        var nameAt = test.IndexOf("main", match.Index, StringComparison.Ordinal);
        var sb = new StringBuilder(test.Length + 64);
        sb.Append(test, 0, nameAt).Append(RenamedMain);
        sb.Append(test, nameAt + 4, close - (nameAt + 4));
        sb.Append("\nreturn 0;\n");
        sb.Append(test, close, test.Length - close);
        return sb.ToString();
    }

    private static bool IsInCommentOrLiteral(string s, int index)
    {
        var i = 0;
        while (i < index)
        {
            var next = Skip(s, i);
            if (next > index) return true;
            i = next == i ? i + 1 : next;
        }
        return false;
    }

    // The index of the first `wanted` at or after `from` that is code (not in a comment or literal), or -1.
    private static int FindCode(string s, int from, char wanted)
    {
        var i = from;
        while (i < s.Length)
        {
            var next = Skip(s, i);
            if (next != i) { i = next; continue; }
            if (s[i] == wanted) return i;
            i++;
        }
        return -1;
    }

    private static int MatchingBrace(string s, int open)
    {
        var depth = 0;
        var i = open;
        while (i < s.Length)
        {
            var next = Skip(s, i);
            if (next != i) { i = next; continue; }
            if (s[i] == '{') depth++;
            else if (s[i] == '}' && --depth == 0) return i;
            i++;
        }
        return -1;
    }

    // When a comment or a string/char literal starts at i, the index just past it; else i.
    private static int Skip(string s, int i)
    {
        if (i + 1 < s.Length && s[i] == '/' && s[i + 1] == '/')
        {
            var end = s.IndexOf('\n', i);
            return end < 0 ? s.Length : end + 1;
        }
        if (i + 1 < s.Length && s[i] == '/' && s[i + 1] == '*')
        {
            var end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
            return end < 0 ? s.Length : end + 2;
        }
        // A quote after a digit or letter is a digit separator (1'000) or part of a prefix we do not need to treat.
        if ((s[i] == '"' || s[i] == '\'') && (i == 0 || !char.IsLetterOrDigit(s[i - 1]) || s[i] == '"'))
        {
            var quote = s[i];
            var j = i + 1;
            while (j < s.Length && s[j] != quote && s[j] != '\n')
                j += s[j] == '\\' ? 2 : 1;
            return Math.Min(j + 1, s.Length);
        }
        return i;
    }
}
