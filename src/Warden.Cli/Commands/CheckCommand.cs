using System.CommandLine;
using System.Text.Json;
using Warden.Checks;
using Warden.Checks.Json;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden check FILE [--language L] [--json] [--policy FILE]</c>: advisory code checks.
/// Prints <c>file:line:col severity rule message (suggestion)</c>; exits 0 when nothing reaches
/// block level, 1 when something does, 2 on usage errors. <c>--rules</c> lists the rules.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "The program to check ('-' reads standard input; then --language is required).", Arity = ArgumentArity.ZeroOrOne };
        var language = new Option<string?>("--language", "-l") { Description = "python/py, javascript/js/node, bash, sh/shell. Default: from the file's extension or #! line." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var policy = new Option<string?>("--policy") { Description = "A JSON check policy: rules, severities, module allow/deny lists." };
        var rules = new Option<bool>("--rules") { Description = "List every rule and exit." };
        var command = new Command("check", "Advisory code checks (Python, JavaScript, shell). The sandbox, not these checks, is the security boundary.")
        {
            file, language, json, policy, rules,
        };
        command.Action = new CliAction(r => Run(r.GetValue(file), r.GetValue(language), r.GetValue(json), r.GetValue(policy), r.GetValue(rules)));
        return command;
    }

    private static int Run(string? path, string? language, bool json, string? policyPath, bool listRules)
    {
        if (listRules) return ListRules(json);
        if (path is null) return CliAction.UsageError("check", "Give a FILE to check (or --rules).");

        string code;
        try
        {
            code = path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CliAction.UsageError("check", $"Cannot read '{path}': {CliAction.Describe(e)}.");
        }
        language ??= path == "-" ? null : CodeChecker.DetectLanguage(path, code.Split('\n', 2)[0]);
        if (language is null)
            return CliAction.UsageError("check", $"Cannot tell the language of '{path}'; pass --language.");

        CheckReport report;
        try
        {
            var policy = policyPath is null ? new CheckPolicy { Mode = CheckMode.Block } : CheckPolicy.FromJson(File.ReadAllText(policyPath));
            report = CodeChecker.Check(language, code, policy);
        }
        catch (WardenException e)
        {
            return CliAction.UsageError("check", e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CliAction.UsageError("check", $"Cannot read the policy '{policyPath}': {CliAction.Describe(e)}.");
        }

        if (json)
            Console.WriteLine(JsonSerializer.Serialize(report, ChecksJsonContext.Default.CheckReport));
        else
        {
            foreach (var f in report.Findings)
                Console.WriteLine($"{path}:{f.Line}:{f.Column} {f.Severity.Name()} {f.RuleId} {f.Message}{(f.Suggestion is null ? "" : $" ({f.Suggestion})")}");
            Console.Error.WriteLine(report.Analyzed
                ? $"{report.Findings.Count} finding(s): {report.Count(Severity.Block)} block, {report.Count(Severity.Warn)} warn, {report.Count(Severity.Info)} info. Advisory: the sandbox is the security boundary."
                : $"Not analysed: {(report.Mode == CheckMode.Off ? "the policy's mode is off" : $"no checker for {report.Language}")}.");
        }
        return report.HighestSeverity == Severity.Block ? 1 : 0;
    }

    private static int ListRules(bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(CodeChecker.Rules, ChecksJsonContext.Default.IReadOnlyListRuleInfo));
            return 0;
        }
        foreach (var r in CodeChecker.Rules)
            Console.WriteLine($"{r.Id,-24} {r.DefaultSeverity.Name(),-5} {r.Title}");
        return 0;
    }

}
