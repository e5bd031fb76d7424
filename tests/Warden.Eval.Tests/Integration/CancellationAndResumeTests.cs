using Warden.Eval;
using Warden.Eval.Tests.Support;

namespace Warden.Eval.Tests.Integration;

/// <summary>Stopping a run kills its sandboxes; a stopped run resumes from its results file.</summary>
[Collection(SandboxCollection.Name)]
public sealed class CancellationAndResumeTests
{
    private static readonly List<Problem> HumanEval = EvalFiles.ReadProblems(HumanEvalData.Path);

    [Fact]
    public async Task Evaluate_Cancelled_ThrowsAndLeavesNoProcessBehind()
    {
        var before = ProcessTree.Descendants(Environment.ProcessId).ToHashSet();
        var samples = Enumerable.Range(0, 6).Select(_ => Problems.Sample("HumanEval/0", "    while True: pass\n")).ToList();
        using var cts = new CancellationTokenSource();
        var run = Sandboxes.EvaluateAsync(HumanEval, samples, new EvalOptions { TimeoutMs = 60_000 }, cts.Token, Sandboxes.ColdRunner);
        // The sandboxes are this process's descendants while they run, so the check below can see them.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!ProcessTree.Descendants(Environment.ProcessId).Except(before).Any() && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.NotEmpty(ProcessTree.Descendants(Environment.ProcessId).Except(before));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var leftover = ProcessTree.Descendants(Environment.ProcessId).Except(before).ToList();
        Assert.Empty(leftover);
    }

    [Fact]
    public async Task Evaluate_StoppingTheEnumerationEarly_LeavesNoProcessBehind()
    {
        var before = ProcessTree.Descendants(Environment.ProcessId).ToHashSet();
        var samples = new[] { HumanEval[0].CanonicalSolution!, "    while True: pass\n", "    while True: pass\n" }
            .Select(c => Problems.Sample("HumanEval/0", c)).ToList();
        await foreach (var v in new EvalHarness(Sandboxes.ColdRunner, new EvalOptions { Parallelism = 3, TimeoutMs = 60_000 }).EvaluateAsync(HumanEval, samples))
        {
            Assert.True(v.Passed);
            break;
        }
        var leftover = ProcessTree.Descendants(Environment.ProcessId).Except(before).ToList();
        Assert.Empty(leftover);
    }

    [Fact]
    public async Task Job_InterruptedRun_ResumesFromItsResultsFileWithoutRerunningJudgedSamples()
    {
        using var dir = new TempDir();
        var problems = HumanEval.Take(12).ToList();
        var samplesPath = dir.File("samples.jsonl");
        File.WriteAllLines(samplesPath, problems.SelectMany(p => new[] { p.CanonicalSolution!, "    return None\n" })
            .Select((c, i) => System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["task_id"] = problems[i / 2].TaskId, ["completion"] = c })));
        var job = new EvalJob { ProblemsPath = HumanEvalData.Path, SamplesPath = samplesPath, ResultsPath = dir.File("results.jsonl"), Ks = [1, 2] };

        using (var cts = new CancellationTokenSource())
        {
            var seen = 0;
            var progress = new CountingProgress(() => { if (++seen == 5) cts.Cancel(); });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.RunAsync(Sandboxes.Runner, null, cts.Token, progress.Report));
        }
        var firstRun = File.ReadAllLines(dir.File("results.jsonl")).Length;
        Assert.InRange(firstRun, 5, 23);
        // A write cut short must not break the resume.
        File.AppendAllText(dir.File("results.jsonl"), "{\"task_id\":\"HumanEval/0\",\"compl");

        var summary = await job.RunAsync(Sandboxes.Runner, null, CancellationToken.None);

        var lines = File.ReadAllLines(dir.File("results.jsonl"));
        Assert.Equal(24, lines.Length);
        Assert.Equal(24, lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).Select(e => (e.GetProperty("task_id").GetString(), e.GetProperty("completion_id").GetInt32())).Distinct().Count());
        Assert.Equal((24, 12, 12, 12), (summary.Samples, summary.Passed, summary.Failed, summary.Tasks));
        Assert.Equal(0.5, summary.PassAtK["pass@1"], 1e-12);
        Assert.Equal(1.0, summary.PassAtK["pass@2"], 1e-12);
    }

    private sealed class CountingProgress(Action onVerdict)
    {
        public void Report(SampleVerdict verdict) => onVerdict();
    }
}
