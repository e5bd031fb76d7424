using System.Text.RegularExpressions;

namespace Warden.Languages;

/// <summary>
/// Scores a snippet against the languages Warden runs, from signals that are idiomatic in one
/// language (or a few) and rare elsewhere: <c>def f():</c> for Python, <c>console.log</c> for
/// JavaScript, <c>fi</c>/<c>done</c> for shell, <c>#include &lt;stdio.h&gt;</c> for C, <c>std::</c>
/// for C++, and so on. Each rule counts once however often it matches; some subtract (a line
/// that ends <c>) {</c> is not Python). Policy as data: the rules below are the whole classifier.
/// Shell code is scored as <c>bash</c> (bash runs POSIX sh scripts too); <c>sh</c> is chosen only
/// by a shebang or a <c>.sh</c> name. The decision (confident or not) is <see cref="LanguageDetector"/>'s.
/// </summary>
public static class ContentClassifier
{
    private const RegexOptions Options = RegexOptions.Multiline | RegexOptions.CultureInvariant;

    private sealed record Rule(string Pattern, (string Language, int Weight)[] Scores)
    {
        public Regex Regex { get; } = new(Pattern, Options, TimeSpan.FromMilliseconds(200));
    }

    private static Rule R(string pattern, params (string, int)[] scores) => new(pattern, scores);

    private static readonly Rule[] Rules =
    [
        // Python
        R(@"^\s*(async\s+)?def\s+\w+\s*\(.*\)\s*(->\s*[^:]+)?:\s*(#.*)?$", ("python", 5)),
        R(@"^\s*class\s+\w+(\s*\([^)]*\))?\s*:\s*$", ("python", 4)),
        R(@"^\s*from\s+[\w.]+\s+import\s+[\w*(]", ("python", 5)),
        R(@"^\s*import\s+[\w.]+(\s+as\s+\w+)?(\s*,\s*[\w.]+(\s+as\s+\w+)?)*\s*$", ("python", 3)),
        R(@"^\s*(if|elif|while|for|with|try|except|else|finally)\b[^{};]*:\s*(#.*)?$", ("python", 3)),
        R(@"^\s*elif\b", ("python", 3)),
        R(@"(^|[^\w.])print\s*\(", ("python", 3)),
        R(@"__name__\s*==\s*['""]__main__['""]", ("python", 4)),
        R(@"\bself\.\w+", ("python", 1)),
        R(@"\b(None|True|False)\b", ("python", 1)),
        R(@"""""""|'''", ("python", 2)),
        R(@"\b(lambda|nonlocal)\b|\bnot\s+in\b|\bis\s+not\b", ("python", 2)),
        R(@"\bf""[^""\n]*\{|\bf'[^'\n]*\{", ("python", 2)),
        R(@"\b(len|range|enumerate|isinstance|input|sorted|zip)\s*\(", ("python", 1)),
        R(@"^\s*[A-Za-z_]\w*\s*=\s*[^=\s]", ("python", 1), ("javascript", 1)),
        R(@"\)\s*\{\s*$", ("python", -5)),
        R(@"^\s*\}\s*$", ("python", -4)),
        R(@";\s*$", ("python", -2)),

        // JavaScript
        R(@"\bconsole\.(log|error|warn|info)\s*\(", ("javascript", 6)),
        R(@"\bconst\s+[\w$]+\s*=", ("javascript", 3)),
        R(@"\blet\s+[\w$]+\s*=", ("javascript", 2), ("rust", 1)),
        R(@"\bvar\s+[\w$]+\s*=", ("javascript", 2), ("csharp", 1)),
        R(@"=>", ("javascript", 2), ("csharp", 1), ("rust", 1)),
        R(@"\bfunction\s*[\w$]*\s*\([^)]*\)\s*\{", ("javascript", 4)),
        R(@"\brequire\s*\(\s*['""]", ("javascript", 5)),
        R(@"===|!==", ("javascript", 4)),
        R(@"\bmodule\.exports\b|^\s*export\s+(default|const|function|class|let)\b", ("javascript", 4)),
        R(@"\bprocess\.(argv|stdout|stderr|env|exit)\b", ("javascript", 4)),
        R(@"^\s*import\s+.*\s+from\s+['""]", ("javascript", 5)),
        R(@"\bundefined\b", ("javascript", 2)),
        R(@"\b(document|window)\.\w+", ("javascript", 2)),
        R(@"`[^`]*\$\{", ("javascript", 2)),
        R(@"\bJSON\.(parse|stringify)\b", ("javascript", 4)),
        R(@"\.(forEach|push|length)\b", ("javascript", 1)),

        // Shell (scored as bash)
        R(@"^\s*(echo|printf)\b(?!\s*\()", ("bash", 4)),
        R(@"^\s*fi\s*(#.*)?$|^\s*esac\b", ("bash", 5)),
        R(@"^\s*done\b", ("bash", 4)),
        R(@"(;|^)\s*then\s*$|;\s*then\b|;\s*do\b|^\s*do\s*$", ("bash", 4)),
        R(@"\[\[\s.*\s\]\]|^\s*(if|while|elif)\s+\[\s", ("bash", 5)),
        R(@"\$\(\(|\$\([a-z]", ("bash", 3)),
        R(@"\$[0-9#@?]|\$\{#?[A-Za-z_]\w*\}|\$[A-Za-z_]\w*", ("bash", 2)),
        R(@"^\s*[A-Za-z_]\w*=([^=\s]|$)", ("bash", 2)),
        R(@"^\s*(ls|cat|cd|mkdir|rm|cp|mv|grep|sed|awk|find|source|unset|read|exit|seq|sleep|curl|wget|chmod|touch|pwd|whoami|uname|date|head|tail|wc|uniq|xargs|tr|cut|tee|printenv|which|local|declare|readonly|shift|trap|basename|dirname)\b(?!\s*[(=.:\[])", ("bash", 4)),
        R(@"^\s*export\s+[A-Za-z_]\w*=|^\s*set\s+-[euxo]", ("bash", 4)),
        R(@"\|\s*(grep|sed|awk|wc|sort|head|tail|xargs|tr|cut|uniq|tee)\b", ("bash", 4)),
        R(@">\s*/dev/null|2>&1", ("bash", 3)),
        R(@"<<-?\s*['""]?[A-Z]+['""]?\s*$|<<<", ("bash", 3)),
        R(@"^\s*function\s+\w+\s*(\(\))?\s*\{|^\s*[\w:.-]+\s*\(\)\s*\{", ("bash", 3)),

        // C and C++
        R(@"^\s*#\s*include\s*<[\w/]+\.h>", ("c", 5), ("cpp", 2)),
        R(@"^\s*#\s*include\s*<(iostream|vector|string|map|set|unordered_map|unordered_set|algorithm|memory|bits/stdc\+\+\.h|cstdio|cstdlib|cstring|cmath|sstream|fstream|iomanip|queue|stack|deque|array|utility|functional|numeric|thread|chrono|optional|tuple)>", ("cpp", 7)),
        R(@"^\s*#\s*include\s*""[^""]+""", ("c", 2), ("cpp", 2)),
        R(@"^\s*#\s*(define|ifdef|ifndef|endif|pragma)\b", ("c", 2), ("cpp", 2)),
        R(@"\bint\s+main\s*\(", ("c", 3), ("cpp", 3)),
        R(@"\b(printf|scanf|fprintf|sprintf|snprintf|malloc|calloc|free|strlen|strcmp|strcpy|puts|getchar|memset|memcpy)\s*\(", ("c", 3), ("cpp", 1)),
        R(@"\b(typedef|sizeof)\b", ("c", 1), ("cpp", 1)),
        R(@"\bstd::", ("cpp", 6)),
        R(@"\bcout\s*<<|\bcin\s*>>|\bendl\b", ("cpp", 5)),
        R(@"\busing\s+namespace\s+std\s*;", ("cpp", 7)),
        R(@"\btemplate\s*<", ("cpp", 4)),
        R(@"\b(nullptr|constexpr)\b", ("cpp", 3)),

        // Java
        R(@"\bpublic\s+static\s+void\s+main\s*\(\s*(final\s+)?String", ("java", 9)),
        R(@"\bSystem\.(out|err)\.print", ("java", 7)),
        R(@"^\s*import\s+javax?\.", ("java", 7)),
        R(@"^\s*package\s+[\w.]+\s*;", ("java", 4)),
        R(@"\bString\[\]|@Override\b", ("java", 3)),
        R(@"\b(public|private|protected)\s+(static\s+)?(final\s+)?[\w<>\[\]]+\s+\w+\s*[(=;]", ("java", 2), ("csharp", 2)),

        // C#
        R(@"^\s*using\s+System(\.[\w.]+)?\s*;", ("csharp", 7)),
        R(@"\bConsole\.(WriteLine|Write|ReadLine)\s*\(", ("csharp", 7)),
        R(@"\bstatic\s+(async\s+)?(void|int|Task)\s+Main\s*\(", ("csharp", 6)),
        R(@"^\s*namespace\s+[\w.]+\s*[;{]?\s*$", ("csharp", 3), ("cpp", 2)),
        R(@"\bstring\[\]|\$""[^""\n]*\{", ("csharp", 3)),
        R(@"\basync\s+Task\b|\bIEnumerable<|\bforeach\s*\(\s*var\b", ("csharp", 3)),

        // Go
        R(@"^\s*package\s+\w+\s*$", ("go", 6)),
        R(@"^\s*import\s+(\(|""[\w/.]+"")", ("go", 5)),
        R(@"\bfunc\s+(\([^)]*\)\s*)?\w+\s*\(", ("go", 6)),
        R(@"\bfmt\.(Print|Sprint|Fprint|Errorf|Scan)", ("go", 7)),
        R(@":=", ("go", 3)),
        R(@"\bchan\b|\bgo\s+func\b|\bdefer\s", ("go", 3)),

        // Rust
        R(@"\bfn\s+\w+\s*(<[^>]*>)?\s*\(", ("rust", 6)),
        R(@"\b(println|print|eprintln|format|vec|panic|assert_eq|assert|write|writeln)!\s*[(\[]", ("rust", 7)),
        R(@"\blet\s+mut\b", ("rust", 5)),
        R(@"^\s*use\s+(std|crate|super)::", ("rust", 7)),
        R(@"\bimpl\b|&mut\b|&str\b|\bSome\(|\bOption<|\bResult<|\bVec<", ("rust", 3)),

        // The C family ends statements with semicolons: code with none is not theirs.
        R(@"\A[^;]*\z", ("c", -4), ("cpp", -4), ("java", -4), ("csharp", -4)),
    ];

    private static readonly Regex TripleQuoted = new("\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(500));

    /// <summary>Every language the rules can name (shell code is <c>bash</c>).</summary>
    public static IReadOnlyList<string> Languages { get; } = ["python", "javascript", "bash", "c", "cpp", "java", "csharp", "go", "rust"];

    /// <summary>How much of the code is looked at: the start of a program shows its language.</summary>
    public const int MaxChars = 64 * 1024;

    /// <summary>The score of each language with a positive score, highest first (ties by id).</summary>
    public static IReadOnlyList<(string Language, int Score)> Score(string code)
    {
        if (code.Length > MaxChars) code = code[..MaxChars];
        // Prose in Python's triple-quoted strings (docstrings) says nothing about the language.
        var hasTripleQuotes = code.Contains("\"\"\"", StringComparison.Ordinal) || code.Contains("'''", StringComparison.Ordinal);
        if (hasTripleQuotes)
        {
            try { code = TripleQuoted.Replace(code, "\"\"\"\"\"\""); }
            catch (RegexMatchTimeoutException) { /* scored as it is */ }
        }
        var scores = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rule in Rules)
        {
            bool hit;
            try { hit = rule.Regex.IsMatch(code); }
            catch (RegexMatchTimeoutException) { hit = false; } // a pathological input proves nothing
            if (!hit) continue;
            foreach (var (language, weight) in rule.Scores)
                scores[language] = scores.GetValueOrDefault(language) + weight;
        }
        return scores.Where(kv => kv.Value > 0)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value)).ToList();
    }
}
