using Warden.Checks.Analysis;
using Warden.Checks.JavaScript;
using Warden.Checks.Python;
using Warden.Checks.Rules;
using Warden.Checks.Shell;

namespace Warden.Checks;

/// <summary>
/// Advisory code checks for Python, JavaScript and shell. They read tokens, not substrings, so
/// comments and string contents do not raise alarms, and they follow aliases, attribute chains
/// and string building far enough to see the common bypass tricks. They are not a security
/// boundary and never will be: a determined author can always write code they do not
/// understand. The sandbox is the boundary. Pure functions; safe to call concurrently.
/// </summary>
public static class CodeChecker
{
    /// <summary>The largest program checked, in characters.</summary>
    public const int MaxCodeLength = 4 * 1024 * 1024;

    /// <summary>Every rule, across languages.</summary>
    public static IReadOnlyList<RuleInfo> Rules => RuleCatalog.All;

    /// <summary>Whether a checker exists for <paramref name="language"/> (an id or alias such as <c>py</c> or <c>node</c>).</summary>
    public static bool Supports(string language)
    {
        try { return CheckerLanguages.Resolve(language).Checker is not null; }
        catch (LanguageUnavailableException) { return false; }
    }

    /// <summary>
    /// The language of a file, from its extension (<c>.py</c>, <c>.js</c>, <c>.mjs</c>, <c>.sh</c>, <c>.bash</c>)
    /// or else its <c>#!</c> line; null when neither says.
    /// </summary>
    public static string? DetectLanguage(string fileName, string? firstLine = null)
    {
        if (CheckerLanguages.ForExtension(Path.GetExtension(fileName)) is { } byExtension) return byExtension;
        if (firstLine is null || !firstLine.StartsWith("#!", StringComparison.Ordinal)) return null;
        var words = firstLine[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var program = words.Length == 0 ? "" : Path.GetFileName(words[0]) == "env" && words.Length > 1 ? words[^1] : Path.GetFileName(words[0]);
        program = program.TrimEnd("0123456789.".ToCharArray());
        return program switch
        {
            "python" => "python",
            "node" or "nodejs" => "javascript",
            "bash" => "bash",
            "sh" or "dash" or "ash" or "ksh" or "zsh" => "sh",
            _ => null,
        };
    }

    /// <summary>Checks <paramref name="code"/> under <paramref name="policy"/> (the default policy when null).</summary>
    /// <param name="language">Language id or alias: python/py, javascript/js/node, bash, sh/shell (others are not analysed).</param>
    /// <param name="code">The program text.</param>
    /// <param name="policy">Mode, rules, severities and module lists.</param>
    /// <returns>The findings; <see cref="CheckReport.Blocked"/> says whether the run must be refused.</returns>
    /// <exception cref="LanguageUnavailableException">The language is unknown to Warden.</exception>
    /// <exception cref="InvalidRequestException">The code is larger than <see cref="MaxCodeLength"/>.</exception>
    public static CheckReport Check(string language, string code, CheckPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        policy ??= CheckPolicy.Default;
        var (id, checker) = CheckerLanguages.Resolve(language);
        if (policy.Mode == CheckMode.Off) return CheckReport.NotAnalyzed(checker ?? id, CheckMode.Off);
        if (checker is null) return CheckReport.NotAnalyzed(id, policy.Mode);
        if (code.Length > MaxCodeLength)
            throw new InvalidRequestException("code", $"The code is {code.Length} characters; the checks read at most {MaxCodeLength}.");

        IReadOnlyList<RawFinding> Analyze(string language, string text) => language switch
        {
            "python" => PythonAnalyzer.Analyze(text, policy.ModuleGate(language, PythonSymbols.DefaultDeniedModules, '.')),
            "javascript" => JsAnalyzer.Analyze(text, policy.ModuleGate(language, JsSymbols.DefaultDeniedModules, '/')),
            _ => ShellAnalyzer.Analyze(text, Analyze),
        };
        var raw = Analyze(checker, code);
        var findings = raw
            .Where(f => policy.Runs(f.RuleId))
            .Select(f => new Finding(f.RuleId, policy.SeverityOf(f.RuleId), f.Line, f.Column, f.Message,
                f.Suggestion ?? RuleCatalog.Get(f.RuleId).Suggestion))
            .OrderBy(f => f.Line).ThenBy(f => f.Column).ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ToList();
        return new CheckReport { Language = checker, Mode = policy.Mode, Analyzed = true, Findings = findings };
    }

    /// <summary>
    /// <see cref="Check"/>, then refuses when the report is blocked: the call a run pipeline makes
    /// before it starts a sandbox.
    /// </summary>
    /// <exception cref="CodeCheckBlockedException">The mode is block and a finding reached block level.</exception>
    public static CheckReport Enforce(string language, string code, CheckPolicy? policy = null)
    {
        var report = Check(language, code, policy);
        return report.Blocked ? throw new CodeCheckBlockedException(report) : report;
    }
}
