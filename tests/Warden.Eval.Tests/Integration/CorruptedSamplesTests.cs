using System.Text.RegularExpressions;
using Warden.Eval;
using Warden.Eval.Tests.Support;

namespace Warden.Eval.Tests.Integration;

/// <summary>
/// Corrupted HumanEval samples, judged in real sandboxes: none may pass, a loop is a timeout,
/// and nothing that leaves before the checks returned counts as passed.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed partial class CorruptedSamplesTests
{
    private static readonly List<Problem> HumanEval = EvalFiles.ReadProblems(HumanEvalData.Path);
    private static Problem Task(int n) => HumanEval[n];

    [GeneratedRegex(@"^(\s*)return\b.*$", RegexOptions.Multiline)]
    private static partial Regex ReturnStatement();

    [Fact]
    public async Task Evaluate_EveryCanonicalSolutionReturningNone_FailsOrTimesOut()
    {
        var samples = HumanEval.Select(p => Problems.Sample(p.TaskId, ReturnStatement().Replace(p.CanonicalSolution!, "$1return None"))).ToList();
        var verdicts = await Sandboxes.EvaluateAsync(HumanEval, samples, new EvalOptions { TimeoutMs = 3000 });
        Assert.Equal(164, verdicts.Count);
        // Failed, except where a helper returning None keeps a loop from ending (HumanEval/39's is_prime).
        var wrong = verdicts.Where(v => !(v.Outcome == VerdictOutcome.Failed && v.Result.StartsWith("failed: ", StringComparison.Ordinal))
                                        && !(v.Outcome == VerdictOutcome.TimedOut && v.TaskId == "HumanEval/39"))
            .Select(v => $"{v.TaskId}: {v.Result}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal(0.0, EvalSummary.Compute(verdicts, [1]).PassAtK["pass@1"]);
    }

    [Fact]
    public async Task Evaluate_InfiniteLoop_IsTimedOut()
    {
        var verdict = await Single(Task(0), "    while True: pass\n", new EvalOptions { TimeoutMs = 1500 });
        Assert.Equal(("timed out", VerdictOutcome.TimedOut, false), (verdict.Result, verdict.Outcome, verdict.Passed));
    }

    public static TheoryData<string, string> EarlyExits => new()
    {
        // A correct solution followed by a way out before the checks run: never a pass.
        { "\nexit(0)\n", "failed: SystemExit: 0" },
        { "\nquit()\n", "failed: SystemExit: None" },
        { "\nimport sys\nsys.exit(0)\n", "failed: SystemExit: 0" },
        { "\nraise SystemExit(0)\n", "failed: SystemExit: 0" },
        { "\nimport os\nos._exit(0)\n", "failed: exited before the checks finished" },
        { "\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "failed: killed by SIGKILL" },
        // The same from inside the candidate, while the checks run.
        { "__INSIDE__import os; os._exit(0)", "failed: exited before the checks finished" },
        { "__INSIDE__import sys; sys.exit(0)", "failed: SystemExit: 0" },
    };

    [Theory]
    [MemberData(nameof(EarlyExits))]
    public async Task Evaluate_SampleThatLeavesBeforeTheChecksReturn_IsNotPassed(string exit, string expected)
    {
        var problem = Task(0);
        var completion = exit.StartsWith("__INSIDE__", StringComparison.Ordinal)
            ? "    " + exit["__INSIDE__".Length..] + "\n" + problem.CanonicalSolution
            : problem.CanonicalSolution + exit;
        var verdict = await Single(problem, completion);
        Assert.Equal(expected, verdict.Result);
        Assert.False(verdict.Passed);
    }

    public static TheoryData<int, string> Tampering => new()
    {
        // Deletes the test's check when the module finishes.
        { 0, "    return None\nimport sys\ndef _hook(frame, event, arg):\n    if event == 'return' and frame.f_code.co_name == '<module>':\n        frame.f_globals.pop('check', None)\n        sys.setprofile(None)\nsys.setprofile(_hook)\n" },
        // Rebinds check to a function that checks nothing.
        { 0, "    return None\nimport sys\ndef _hook(frame, event, arg):\n    if event == 'return' and frame.f_code.co_name == '<module>':\n        frame.f_globals['check'] = lambda candidate: None\n        sys.setprofile(None)\nsys.setprofile(_hook)\n" },
        // Patches the builtin the checks compare with (HumanEval/2: abs(candidate(x) - y) < 1e-6).
        { 2, "    return None\nimport builtins\nbuiltins.abs = lambda x: 0\n" },
        // Patches a module function the checks use (HumanEval/32: math.fabs(poly(...)) < 1e-4).
        { 32, "    return 0.0\nimport math\nmath.fabs = lambda x: 0.0\n" },
        // Redefines a helper of the prompt the checks call (HumanEval/32's poly).
        { 32, "    return 0.0\ndef poly(xs, x):\n    return 0.0\n" },
        // Patches builtins the checks wrap results in (HumanEval/33: tuple(candidate(...)) == tuple(...)).
        { 33, "    return None\nimport builtins\nbuiltins.tuple = lambda x=(): ()\n" },
        // Returns an object that equals everything.
        { 0, "    class Anything:\n        def __eq__(self, other): return True\n        def __bool__(self): return True\n    return Anything()\n" },
        // Forges the pass line with whatever stdin holds after the driver read it.
        { 0, "    import sys, os\n    os.write(1, b'\\n__WARDEN_EVAL_PASS__ ' + sys.stdin.read().encode() + b'\\n')\n    os._exit(0)\n" },
        // Forges the pass line from /proc/self/fd/0.
        { 0, "    import os\n    data = open('/proc/self/fd/0', 'rb').read().strip()\n    os.write(1, b'\\n__WARDEN_EVAL_PASS__ ' + data + b'\\n')\n    os._exit(0)\n" },
        // Reads the test from disk to hard-code its answers: the files are gone.
        { 0, "    return 'test' in open('sample.py').read()\n" },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Evaluate_SampleThatTampersWithTheChecks_Fails(int task, string completion)
    {
        var verdict = await Single(Task(task), completion);
        Assert.Equal(VerdictOutcome.Failed, verdict.Outcome);
        Assert.StartsWith("failed: ", verdict.Result);
    }

    [Fact]
    public async Task Evaluate_MainGuardOfTheCompletion_DoesNotRun()
    {
        var problem = Task(0);
        var verdict = await Single(problem, problem.CanonicalSolution + "\nif __name__ == '__main__':\n    raise SystemExit(1)\n");
        Assert.Equal("passed", verdict.Result);
    }

    [Fact]
    public async Task Evaluate_ProblemWhoseOwnCodeFails_IsAnInfrastructureErrorNotAFailure()
    {
        var broken = Task(0) with { TaskId = "Broken/0", Prompt = "import module_that_does_not_exist\n" + Task(0).Prompt };
        var verdict = await Single(broken, Task(0).CanonicalSolution!);
        Assert.Equal(VerdictOutcome.InfrastructureError, verdict.Outcome);
        Assert.Contains("module_that_does_not_exist", verdict.Result);
    }

    private static async Task<SampleVerdict> Single(Problem problem, string completion, EvalOptions? options = null) =>
        Assert.Single(await Sandboxes.EvaluateAsync([problem], [Problems.Sample(problem.TaskId, completion)], options));
}
