using System.Text.RegularExpressions;
using Warden.Execution;
using Warden.Policy;

namespace Warden.Eval.Languages;

/// <summary>
/// Rust problems whose test is a <c>#[cfg(test)]</c> module, as the fine-tuning framework
/// runs them: the language <c>rust-test</c> compiles prompt + completion + test with
/// <c>rustc --test</c> and runs the test binary. A pass needs exit 0 and libtest's own
/// summary line with at least one test passed, so a <c>process::exit(0)</c> inside the
/// candidate does not pass.
/// </summary>
internal sealed partial class RustTestEvalLanguage : IEvalLanguage
{
    /// <summary>The runner's language id (Languages/languages.json).</summary>
    public const string LanguageId = "rust-test";

    [GeneratedRegex(@"^test result: ok\. ([1-9][0-9]*) passed; 0 failed", RegexOptions.Multiline)]
    private static partial Regex Summary();

    public RunRequest Build(Problem problem, string completion, string nonce, LimitsRequest limits) => new()
    {
        Language = LanguageId,
        Code = problem.Prompt + completion + "\n" + problem.Test,
        Limits = limits,
    };

    public Judgement Judge(Problem problem, RunResult result, string nonce) =>
        RunJudge.Judge(result, Summary().IsMatch(result.Stdout));
}
