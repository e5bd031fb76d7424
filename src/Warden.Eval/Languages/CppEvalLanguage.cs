using System.Reflection;
using Warden.Execution;
using Warden.Policy;

namespace Warden.Eval.Languages;

/// <summary>
/// C++ problems that carry their own test program (HumanEval-X style: the test has a
/// <c>main</c> full of asserts). The program is prompt + completion + test, compiled and run
/// in separate sandboxes. The test's <c>main</c> is renamed and called from ours, which reads
/// the nonce before any static initializer of the sample's and writes it only when the test
/// returned 0, so an <c>exit(0)</c> inside the candidate does not pass.
/// </summary>
internal sealed class CppEvalLanguage : IEvalLanguage
{
    // Before the prompt: includes and helpers bound to libc before any name the sample declares
    // (sandbox/eval/cpp_prologue.cpp, embedded).
    private static readonly Lazy<string> Prologue = new(() =>
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("Warden.Eval.cpp_prologue.cpp")
            ?? throw new InvalidOperationException("cpp_prologue.cpp resource missing");
        using var reader = new StreamReader(s);
        return reader.ReadToEnd().Replace("@PASS_MARKER@", RunJudge.PassMarker, StringComparison.Ordinal);
    });

    public RunRequest Build(Problem problem, string completion, string nonce, LimitsRequest limits)
    {
        var renamed = CppTestMain.Rename(problem.Test);
        var code = renamed is null
            // No main we can wrap: judged by its exit code alone (documented as weaker).
            ? problem.Prompt + completion + "\n" + problem.Test
            : Prologue.Value + "#line 1 \"solution.cpp\"\n" + problem.Prompt + completion +
              "\n#line 1 \"test.cpp\"\n" + renamed +
              $"\nint main() {{ return warden_eval_finish(warden_eval_call({CppTestMain.RenamedMain})); }}\n";
        return new RunRequest
        {
            Language = "cpp",
            Code = code,
            Stdin = renamed is null ? null : nonce + "\n",
            Limits = limits,
        };
    }

    public Judgement Judge(Problem problem, RunResult result, string nonce) =>
        // Without a main to wrap, the exit code is all there is (documented as weaker).
        RunJudge.Judge(result, CppTestMain.Rename(problem.Test) is null || RunJudge.HasMarkerLine(result.Stdout, RunJudge.PassMarker, nonce));
}
