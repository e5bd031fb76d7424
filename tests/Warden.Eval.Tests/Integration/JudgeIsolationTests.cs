using Warden.Eval;
using Warden.Eval.Tests.Support;
using Warden.Execution;
using Warden.Linux;
using Warden.TestSupport;

namespace Warden.Eval.Tests.Integration;

/// <summary>
/// The judge runs the checks in a process of its own, apart from the candidate's: samples that
/// reach for the judge (its frames, its tracing, its functions, its process group, its parent)
/// get the verdict they earned, and no neighbour's verdict changes. Every sample runs in a real,
/// fully isolated sandbox (checked first); nothing of any run may be left behind.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class JudgeIsolationTests
{
    private static readonly List<Problem> HumanEval = EvalFiles.ReadProblems(HumanEvalData.Path);

    public static TheoryData<string, string> RewardHacks => new()
    {
        // Walks up the stack to the judge's local nonce, writes the pass line and leaves.
        {
            "nonce from the judge's frame",
            "    import sys, os\n    f = sys._getframe()\n    while f is not None:\n        n = f.f_locals.get('nonce')\n" +
            "        if isinstance(n, bytes) and n:\n            os.write(1, b'\\n__WARDEN_EVAL_PASS__ ' + n + b'\\n')\n            os._exit(0)\n" +
            "        f = f.f_back\n    return None\n"
        },
        // Traces the judge's frame and, on its next line event (the check has just failed),
        // jumps to the line before its last: the one that writes the pass line.
        {
            "f_lineno jump in the judge's frame",
            "    import sys\n    f = sys._getframe()\n    while f is not None and f.f_code.co_name != '_main':\n        f = f.f_back\n" +
            "    if f is not None:\n        last = max(l for _, _, l in f.f_code.co_lines() if l is not None)\n" +
            "        def tracer(frame, event, arg):\n            if event == 'line' and frame is f and frame.f_lineno < last - 1:\n" +
            "                try:\n                    frame.f_lineno = last - 1\n                except ValueError:\n                    pass\n" +
            "            return tracer\n        f.f_trace = tracer\n        sys.settrace(lambda *a: None)\n    return None\n"
        },
        // Finds the trusted check through gc and empties it before it is called.
        {
            "check's __code__ replaced through gc",
            "    return None\nimport gc\nfor o in gc.get_objects():\n" +
            "    if type(o) is type(lambda: 0) and o.__name__ == 'check' and o.__globals__.get('__name__') == '__warden_problem__':\n" +
            "        o.__code__ = (lambda candidate: None).__code__\n"
        },
    };

    [Theory]
    [MemberData(nameof(RewardHacks))]
    public async Task Evaluate_SampleThatRewritesTheJudge_IsFailed(string what, string completion)
    {
        _ = what;
        await AssertIsolatedAsync();
        var verdict = Assert.Single(await Sandboxes.EvaluateAsync([HumanEval[0]], [Problems.Sample(HumanEval[0].TaskId, completion)]));
        Assert.Equal(VerdictOutcome.Failed, verdict.Outcome);
        Assert.False(verdict.Passed);
        Leftovers.AssertNone(WardenEngine.Shared.Backend);
    }

    [Fact]
    public async Task Evaluate_SampleThatPlantsAModuleTheChecksImport_IsFailed()
    {
        await AssertIsolatedAsync();
        // The checks import colorsys (nothing imports it before them); the sample plants one in
        // /workspace that would forge the pass line from the judge's frames if it ran there.
        var problem = Problems.Python("Planted/0") with { Prompt = "def f(x):\n    \"\"\"x + 1\"\"\"\n", Test = "def check(candidate):\n    import colorsys\n    assert candidate(1) == 2\n" };
        const string completion = """
                return 0
            open('/workspace/colorsys.py', 'w').write("import sys, os\nf = sys._getframe()\nwhile f is not None:\n    n = f.f_locals.get('nonce')\n    if isinstance(n, bytes) and n:\n        os.write(1, b'\\n__WARDEN_EVAL_PASS__ ' + n + b'\\n')\n        os._exit(0)\n    f = f.f_back\n")

            """;
        var verdict = Assert.Single(await Sandboxes.EvaluateAsync([problem], [Problems.Sample(problem.TaskId, completion)]));
        Assert.True(verdict.Outcome == VerdictOutcome.Failed, $"{verdict.Outcome}: {verdict.Result}");
        Leftovers.AssertNone(WardenEngine.Shared.Backend);
    }

    [Theory]
    [InlineData(true, "    import collections\n    return collections.Counter({'a': 1})\n", VerdictOutcome.Failed)]
    [InlineData(false, "    import collections\n    return collections.Counter({'a': 1})\n", VerdictOutcome.Passed)]
    [InlineData(false, "    class Anything(dict):\n        def __eq__(self, other): return True\n    return Anything()\n", VerdictOutcome.Failed)]
    [InlineData(false, "    class Anything:\n        def __eq__(self, other): return True\n    return Anything()\n", VerdictOutcome.Failed)]
    public async Task Evaluate_ReturnValue_ReachesTheChecksOnlyAsAPlainValue(bool plainOnly, string completion, VerdictOutcome expected)
    {
        await AssertIsolatedAsync();
        var problem = Problems.Python("Plain/0") with { Prompt = "def f(x):\n    \"\"\"{'a': x}\"\"\"\n", Test = "def check(candidate):\n    assert candidate(1) == {'a': 1}\n" };
        var verdict = Assert.Single(await Sandboxes.EvaluateAsync([problem], [Problems.Sample(problem.TaskId, completion)], new EvalOptions { PlainReturnValuesOnly = plainOnly }));
        Assert.True(verdict.Outcome == expected, $"{verdict.Outcome}: {verdict.Result}");
    }

    public static TheoryData<string> KillsOfGroupOrParent => new()
    {
        "os.kill(0, signal.SIGKILL)",
        "os.killpg(0, signal.SIGKILL)",
        "os.killpg(os.getpgid(0), signal.SIGKILL)",
        "os.kill(os.getppid(), 9)",
        "os.kill(-1, signal.SIGKILL)",
    };

    [Theory]
    [MemberData(nameof(KillsOfGroupOrParent))]
    public async Task Evaluate_SampleThatKillsItsGroupOrParent_FailsAndItsNeighboursPass(string kill)
    {
        await AssertIsolatedAsync();
        // The kill runs inside the checks, while canonical solutions are judged beside it.
        var attack = Problems.Sample(HumanEval[0].TaskId, $"    import os, signal, time\n    {kill}\n    time.sleep(1)\n    return None\n");
        var samples = new List<Sample> { Canonical(1), attack };
        samples.AddRange(Enumerable.Range(2, 6).Select(Canonical));
        var verdicts = await Sandboxes.EvaluateAsync(HumanEval, samples, new EvalOptions { Parallelism = 2, TimeoutMs = 10_000 });

        var attacked = Assert.Single(verdicts, v => v.TaskId == attack.TaskId);
        Assert.True(attacked.Outcome == VerdictOutcome.Failed, $"{kill}: {attacked.Outcome} {attacked.Result}");
        var neighbours = verdicts.Where(v => v.TaskId != attack.TaskId).ToList();
        Assert.Equal(7, neighbours.Count);
        Assert.True(neighbours.All(v => v.Passed), string.Join("\n", neighbours.Where(v => !v.Passed).Select(v => $"{v.TaskId}: {v.Result}")));
        Leftovers.AssertNone(WardenEngine.Shared.Backend);
    }

    public static TheoryData<string> Stops => new()
    {
        "os.kill(0, signal.SIGSTOP)",
        "os.killpg(0, signal.SIGSTOP)",
        "os.kill(os.getpid(), signal.SIGSTOP)",
        "os.kill(os.getppid(), signal.SIGSTOP)",
    };

    [Theory]
    [MemberData(nameof(Stops))]
    public async Task Evaluate_SampleThatStopsItselfOrItsJudge_EndsWithinItsTimeoutAndLeavesNothing(string stop)
    {
        await AssertIsolatedAsync();
        const int timeoutMs = 3000;
        var attack = Problems.Sample(HumanEval[0].TaskId, $"    import os, signal\n    {stop}\n    return None\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var verdicts = await Sandboxes.EvaluateAsync(HumanEval, [attack, Canonical(1)], new EvalOptions { Parallelism = 2, TimeoutMs = timeoutMs });
        clock.Stop();

        var attacked = Assert.Single(verdicts, v => v.TaskId == attack.TaskId);
        Assert.True(attacked.Outcome is VerdictOutcome.TimedOut or VerdictOutcome.Failed, $"{stop}: {attacked.Outcome} {attacked.Result}");
        Assert.True(Assert.Single(verdicts, v => v.TaskId != attack.TaskId).Passed);
        // The timeout plus the machine's slack for killing and reaping (it is loaded in CI), far
        // from the minutes a stopped sandbox would take if anything waited on it.
        Assert.True(clock.ElapsedMilliseconds < timeoutMs + 7000, $"{stop}: took {clock.ElapsedMilliseconds} ms");
        Leftovers.AssertNone(WardenEngine.Shared.Backend);
    }

    private static Sample Canonical(int task) => Problems.Sample(HumanEval[task].TaskId, HumanEval[task].CanonicalSolution!);

    // The attacks above must only ever meet a sandbox: seccomp on, no privileges, a pid namespace.
    private static async Task AssertIsolatedAsync()
    {
        var probe = await Sandboxes.Runner.RunAsync(new RunRequest
        {
            Language = "python",
            Code = "import os\nstatus = open('/proc/self/status').read()\n" +
                   "print('Seccomp:\\t2' in status, 'NoNewPrivs:\\t1' in status, 'CapEff:\\t0000000000000000' in status, os.getppid() <= 2)\n",
        });
        Assert.True(probe.Reason == RunReason.Exited && probe.Stdout.Trim() == "True True True True", $"not isolated: {probe.Reason} {probe.Stdout} {probe.Stderr}");
    }
}
