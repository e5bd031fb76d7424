using System.Reflection;
using Warden.Execution;
using Warden.Policy;

namespace Warden.Eval.Languages;

/// <summary>
/// Python problems: the sandbox runs our driver (<c>sandbox/eval/python_driver.py</c>), a judge that runs
/// the problem's code and its <c>check</c> in its own process, calling the candidate in a
/// second, fresh interpreter over a pipe with plain values; it writes the nonce only when
/// <c>check</c> returned. See docs/eval.md for what it defends against.
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
            // The problem's own code, run by the judge only.
            new InputFile { Path = "trusted.py", Content = problem.Prompt + "\n" + problem.Test },
            // What the candidate's process runs: HumanEval's program without the test (the
            // judge adds the test's top-level imports, which HumanEval's completion would see).
            new InputFile { Path = "sample.py", Content = problem.Prompt + completion },
        ],
        Args = plainReturnValuesOnly ? [problem.EntryPoint] : [problem.EntryPoint, "--any-return"],
        Stdin = nonce + "\n",
        Limits = limits,
    };

    public Judgement Judge(Problem problem, RunResult result, string nonce)
    {
        // Written by the judge, whose nonce the candidate's process never holds: the problem's own
        // code does not run, or its checks pass the candidate a value that cannot cross.
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
