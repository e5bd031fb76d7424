using System.Text.RegularExpressions;

namespace Warden.Languages;

/// <summary>
/// Tells the language of a program that came without one, in this order: its shebang line
/// (<c>#!/usr/bin/env python3</c>), its file name's extension, then its content
/// (<see cref="ContentClassifier"/>). When the content does not point clearly at one language the
/// answer is "ambiguous" with the candidates: Warden refuses rather than run code as the wrong
/// language.
/// </summary>
public static class LanguageDetector
{
    /// <summary>The value of <c>language</c> that asks for detection (as does leaving it out).</summary>
    public const string Auto = "auto";

    /// <summary>The content's best score must reach this...</summary>
    public const int MinScore = 3;
    /// <summary>...lead the runner-up by this many points...</summary>
    public const int MinLead = 3;
    /// <summary>...and be at least this many times the runner-up's.</summary>
    public const double MinRatio = 1.5;

    // Interpreters a shebang may name that are not a language id or alias of their own.
    private static readonly Dictionary<string, string> ShebangNames = new(StringComparer.Ordinal)
    {
        ["dash"] = "sh", ["ash"] = "sh", ["busybox"] = "sh",
    };

    // Extensions of languages Warden does not run: refused by name, never classified as something else.
    private static readonly HashSet<string> ForeignExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".ts", ".tsx", ".jsx", ".rb", ".pl", ".pm", ".php", ".lua", ".kt", ".kts", ".swift", ".scala", ".r",
        ".jl", ".hs", ".ml", ".ex", ".exs", ".erl", ".dart", ".m", ".mm", ".zsh", ".fish", ".ps1", ".bat",
        ".cmd", ".vb", ".fs", ".fsx", ".clj", ".groovy", ".nim", ".zig", ".cr", ".d", ".pas", ".f90", ".sql",
    };

    private static readonly Regex VersionSuffix = new(@"^(?<name>[a-z+#]+?)[\d.]+$", RegexOptions.CultureInvariant);

    /// <summary>Whether <paramref name="language"/> asks for detection (absent, empty or <c>auto</c>).</summary>
    public static bool IsAuto(string? language) =>
        string.IsNullOrWhiteSpace(language) || string.Equals(language.Trim(), Auto, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Detects the language of <paramref name="code"/> among <paramref name="languages"/>.
    /// <paramref name="fileName"/> (optional) is the program's file name, for its extension.
    /// </summary>
    public static LanguageDetection Detect(string code, string? fileName, IReadOnlyList<LanguageDefinition> languages)
    {
        LanguageDefinition? Find(string name) => languages.FirstOrDefault(d =>
            string.Equals(d.Id, name, StringComparison.OrdinalIgnoreCase) || d.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));

        if (Shebang(code) is { } interpreter)
        {
            var name = ShebangNames.GetValueOrDefault(interpreter, interpreter);
            var d = Find(name) ?? (VersionSuffix.Match(name) is { Success: true } m ? Find(m.Groups["name"].Value) : null);
            return d is not null
                ? LanguageDetection.Chosen(d, LanguageSources.Shebang)
                : LanguageDetection.Refused([], $"The shebang names '{LanguageRegistry.Sanitize(interpreter)}', which is not a language Warden runs.") with { Unsupported = true };
        }

        var ext = fileName is null ? "" : Path.GetExtension(fileName);
        if (ext.Length > 1)
        {
            var d = languages.FirstOrDefault(l => l.Extensions.Contains(ext, StringComparer.OrdinalIgnoreCase));
            if (d is not null) return LanguageDetection.Chosen(d, LanguageSources.Filename);
            if (ForeignExtensions.Contains(ext))
                return LanguageDetection.Refused([], $"'{LanguageRegistry.Sanitize(ext)}' files are not a language Warden runs.") with { Unsupported = true };
        }

        var known = new HashSet<string>(languages.Select(l => l.Id), StringComparer.Ordinal);
        var scores = ContentClassifier.Score(code)
            .Select(s => (Id: s.Language == "bash" && !known.Contains("bash") ? "sh" : s.Language, s.Score))
            .Where(s => known.Contains(s.Id))
            .ToList();
        if (scores.Count == 0)
            return LanguageDetection.Refused([], "Nothing in the code points to a language.");
        var (topId, top) = scores[0];
        var second = scores.Count > 1 ? scores[1].Score : 0;
        if (top >= MinScore && top - second >= MinLead && top >= MinRatio * second)
            return LanguageDetection.Chosen(Find(topId)!, LanguageSources.Content);
        var candidates = scores.Where(s => s.Score * 2 >= top).Select(s => s.Id).Take(4).ToList();
        return LanguageDetection.Refused(candidates, candidates.Count > 1
            ? $"The code could be {string.Join(" or ", candidates)}."
            : $"The code looks a little like {candidates[0]}, not enough to be sure.");
    }

    /// <summary>The interpreter a first line <c>#!...</c> names (the program after <c>env</c>), or null.</summary>
    public static string? Shebang(string code)
    {
        if (!code.StartsWith("#!", StringComparison.Ordinal)) return null;
        var end = code.IndexOf('\n');
        var line = (end < 0 ? code[2..] : code[2..end]).Trim();
        var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return "";
        var program = Path.GetFileName(words[0]);
        if (program == "env")
        {
            // env [-S] [-i] [NAME=VALUE]... PROGRAM
            program = words.Skip(1).FirstOrDefault(w => !w.StartsWith('-') && !w.Contains('=')) is { } p ? Path.GetFileName(p) : "";
        }
        return program.ToLowerInvariant();
    }
}

/// <summary>The answer of <see cref="LanguageDetector.Detect"/>: a language and how it was chosen, or why not.</summary>
public sealed record LanguageDetection
{
    /// <summary>The language, or null when detection refused.</summary>
    public LanguageDefinition? Language { get; init; }
    /// <summary>How it was chosen (<see cref="LanguageSources"/>); null when refused.</summary>
    public string? Source { get; init; }
    /// <summary>When refused: the languages the code could be, most likely first (may be empty).</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];
    /// <summary>When refused: why, in one sentence.</summary>
    public string? Reason { get; init; }
    /// <summary>Refused because the shebang or extension names a language Warden does not run (not a matter of confidence).</summary>
    public bool Unsupported { get; init; }

    internal static LanguageDetection Chosen(LanguageDefinition d, string source) => new() { Language = d, Source = source };
    internal static LanguageDetection Refused(IReadOnlyList<string> candidates, string reason) => new() { Candidates = candidates, Reason = reason };
}
