using System.Reflection;
using Warden.Execution;
using Warden.Policy;

namespace Warden.Eval.Languages;

/// <summary>
/// Python problems: the sandbox runs our driver (<c>sandbox/eval/python_driver.py</c>), which runs the
/// problem's code, then the sample, then the problem's own <c>check(entry_point)</c>, and
/// writes the nonce only when that call returned. See docs/eval.md for what it defends against.
/// </summary>
internal sealed class PythonEvalLanguage(bool plainReturnValuesOnly) : IEvalLanguage
{
    private const string ProblemErrorMarker = "__WARDEN_EVAL_PROBLEM_ERROR__";

    private static readonly Lazy<string> Driver = new(() =>
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("Warden.Eval.driver.py")
            ?? throw new InvalidOperationException("driver.py resource missing");
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    });

    public RunRequest Build(Problem problem, string completion, string nonce, LimitsRequest limits) => new()
    {
        Language = "python",
        Code = Driver.Value,
        Files =
        [
            // The problem's own code, run before the sample in a namespace of its own.
            new InputFile { Path = "trusted.py", Content = problem.Prompt + "\n" + problem.Test },
            // HumanEval's program without its last line: the driver makes the check call itself.
            new InputFile { Path = "sample.py", Content = problem.Prompt + completion + "\n" + problem.Test },
        ],
        Args = plainReturnValuesOnly ? [problem.EntryPoint] : [problem.EntryPoint, "--any-return"],
        Stdin = nonce + "\n",
        Limits = limits,
    };

    public Judgement Judge(Problem problem, RunResult result, string nonce)
    {
        // Written before any code of the sample ran, so the sample cannot forge it to escape pass@k.
        if (result.Reason == RunReason.Exited && result.ExitCode == 3)
        {
            var prefix = $"\n{ProblemErrorMarker} {nonce} ";
            var at = result.Stdout.IndexOf(prefix, StringComparison.Ordinal);
            if (at >= 0)
                return Judgement.Infrastructure("the problem's own prompt and test do not run: " +
                    (RunJudge.LastLine(result.Stdout[(at + prefix.Length)..]) ?? "unknown error"));
        }
        return RunJudge.Judge(result, RunJudge.HasMarkerLine(result.Stdout, RunJudge.PassMarker, nonce));
    }
}
