using System.Text;
using Warden.Sandbox;

namespace Warden.Linux.FastPath;

/// <summary>
/// Decides which zygote a Python run goes to: the standard one when its sources import only the
/// standard library, the scientific one otherwise. A guess from the text, never a check: a run
/// sent to the standard zygote that imports numpy after all (through <c>__import__</c>, say)
/// still works, it only pays for the import itself; isolation is the same in both zygotes.
/// </summary>
internal static class PythonImports
{
    /// <summary>Sources larger than this (all .py files together) are not scanned: they go to the scientific zygote.</summary>
    internal const int MaxScannedBytes = 256 * 1024;

    /// <summary>Names that send a run to the scientific zygote wherever they appear (a string, a comment, <c>exec</c>).</summary>
    private static readonly string[] ScientificNames = ["numpy", "pandas", "matplotlib", "pylab"];

    /// <summary>
    /// Whether every Python source of <paramref name="spec"/> imports only modules of
    /// <paramref name="standardLibrary"/> in its import statements and names none of the
    /// scientific zygote's modules anywhere.
    /// </summary>
    public static bool OnlyStandardLibrary(SandboxSpec spec, IReadOnlySet<string> standardLibrary)
    {
        if (standardLibrary.Count == 0) return false;
        var total = 0;
        foreach (var f in spec.Files)
        {
            if (!f.Path.EndsWith(".py", StringComparison.Ordinal) && f.Path != spec.FastPath?.Entry) continue;
            total += f.Content.Length;
            if (total > MaxScannedBytes) return false;
            if (!OnlyStandardLibrary(Encoding.UTF8.GetString(f.Content.Span), standardLibrary)) return false;
        }
        return true;
    }

    /// <summary>The same test for one source text.</summary>
    public static bool OnlyStandardLibrary(string source, IReadOnlySet<string> standardLibrary)
    {
        foreach (var name in ScientificNames)
            if (source.Contains(name, StringComparison.Ordinal)) return false;
        foreach (var rawLine in source.Split('\n'))
        {
            // "import a; import b" and "if x: import y" are statements too.
            foreach (var piece in rawLine.Split(';'))
            {
                var statement = piece.Trim();
                var colon = statement.LastIndexOf(':');
                if (colon >= 0 && colon + 1 < statement.Length && !statement.StartsWith("from ", StringComparison.Ordinal))
                    statement = statement[(colon + 1)..].Trim();
                if (statement.StartsWith("import", StringComparison.Ordinal) && statement.Length > 6 && IsSpace(statement[6]))
                {
                    foreach (var clause in statement[7..].Trim().TrimStart('(').TrimEnd(')', '\\').Split(','))
                        if (!IsStandard(FirstWord(clause), standardLibrary)) return false;
                }
                else if (statement.StartsWith("from", StringComparison.Ordinal) && statement.Length > 4 && IsSpace(statement[4]))
                {
                    if (!IsStandard(FirstWord(statement[5..]), standardLibrary)) return false;
                }
            }
        }
        return true;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t';

    private static string FirstWord(string text)
    {
        text = text.TrimStart();
        var end = 0;
        while (end < text.Length && !IsSpace(text[end]) && text[end] is not ('\r' or ',' or ')')) end++;
        return text[..end];
    }

    /// <summary>A dotted module name whose top-level package is in the standard library (a relative import is not).</summary>
    private static bool IsStandard(string module, IReadOnlySet<string> standardLibrary)
    {
        if (module.Length == 0) return true; // "import" alone or a continuation line: nothing named here
        if (module[0] == '.') return false;
        var dot = module.IndexOf('.');
        return standardLibrary.Contains(dot < 0 ? module : module[..dot]);
    }
}
