using Warden.Eval;
using Warden.Eval.Tests.Support;

namespace Warden.Eval.Tests.Harness;

/// <summary>Scheduling, numbering and error accounting, over a fake runner (see its remarks).</summary>
public sealed class EvalHarnessSchedulingTests
{
    private static readonly Problem[] TwoTasks = [Problems.Python("T/0"), Problems.Python("T/1")];

    [Fact]
    public async Task Evaluate_NeverRunsMoreThanParallelismSamplesAtOnce()
    {
        var runner = new FakeRunnerForSchedulingTests(TimeSpan.FromMilliseconds(20));
        var samples = Enumerable.Range(0, 12).Select(i => Problems.Sample($"T/{i % 2}", "pass")).ToList();
        var verdicts = await Collect(new EvalHarness(runner, new EvalOptions { Parallelism = 3 }), samples);
        Assert.Equal(12, verdicts.Count);
        Assert.Equal(3, runner.MaxConcurrent);
        Assert.All(verdicts, v => Assert.True(v.Passed));
    }

    [Fact]
    public async Task Evaluate_NumbersCompletionsPerTaskInInputOrder()
    {
        var runner = new FakeRunnerForSchedulingTests(TimeSpan.Zero);
        var samples = new[] { "a", "b", "c", "d", "e" }.Select((c, i) => Problems.Sample(i is 1 or 3 ? "T/1" : "T/0", $"{c} pass")).ToList();
        var verdicts = await Collect(new EvalHarness(runner, new EvalOptions { Parallelism = 1 }), samples);
        Assert.Equal(
            [("T/0", 0), ("T/0", 1), ("T/0", 2), ("T/1", 0), ("T/1", 1)],
            verdicts.Select(v => (v.TaskId, v.CompletionId)).Order().ToList());
    }

    [Fact]
    public async Task Evaluate_CompletedSamples_AreNotRunAgainButKeepTheirIds()
    {
        var runner = new FakeRunnerForSchedulingTests(TimeSpan.Zero);
        var samples = new[] { "first pass", "second pass", "third pass" }.Select(c => Problems.Sample("T/0", c)).ToList();
        var options = new EvalOptions { Completed = new HashSet<SampleKey> { new("T/0", 0), new("T/0", 2) } };
        var verdicts = await Collect(new EvalHarness(runner, options), samples);
        var only = Assert.Single(verdicts);
        Assert.Equal(1, only.CompletionId);
        Assert.Contains("second pass", Assert.Single(runner.Completions));
    }

    [Theory]
    [InlineData("sandbox-error", "infrastructure error: bwrap failed")]
    [InlineData("throw-sandbox", "infrastructure error: cgroup vanished")]
    public async Task Evaluate_SandboxFailure_IsAnInfrastructureErrorNeverAFailedSample(string completion, string result)
    {
        var verdict = Assert.Single(await Collect(new EvalHarness(new FakeRunnerForSchedulingTests(TimeSpan.Zero)), [Problems.Sample("T/0", completion)]));
        Assert.Equal(VerdictOutcome.InfrastructureError, verdict.Outcome);
        Assert.Equal(result, verdict.Result);
        Assert.False(verdict.Passed);
    }

    [Fact]
    public async Task Evaluate_LanguageUnavailable_IsSkippedWithTheReason()
    {
        var verdict = Assert.Single(await Collect(new EvalHarness(new FakeRunnerForSchedulingTests(TimeSpan.Zero)), [Problems.Sample("T/0", "no-language")]));
        Assert.Equal(VerdictOutcome.Skipped, verdict.Outcome);
        Assert.Contains("/usr/bin/python3 is not installed", verdict.Result);
    }

    [Fact]
    public async Task Evaluate_ExitZeroWithoutTheNonce_IsNotAPass()
    {
        var verdict = Assert.Single(await Collect(new EvalHarness(new FakeRunnerForSchedulingTests(TimeSpan.Zero)), [Problems.Sample("T/0", "exit0")]));
        Assert.Equal("failed: exited before the checks finished", verdict.Result);
    }

    [Fact]
    public async Task Evaluate_SampleOfUnknownTask_Throws()
    {
        var harness = new EvalHarness(new FakeRunnerForSchedulingTests(TimeSpan.Zero));
        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => Collect(harness, [Problems.Sample("T/9", "pass")]));
        Assert.Contains("T/9", ex.Message);
    }

    [Fact]
    public async Task Evaluate_DuplicateProblemIds_Throw()
    {
        var harness = new EvalHarness(new FakeRunnerForSchedulingTests(TimeSpan.Zero));
        await Assert.ThrowsAsync<InvalidRequestException>(async () =>
        {
            await foreach (var _ in harness.EvaluateAsync([Problems.Python("T/0"), Problems.Python("T/0")], [])) { }
        });
    }

    [Fact]
    public async Task Evaluate_Cancelled_ThrowsOperationCanceled()
    {
        var runner = new FakeRunnerForSchedulingTests(TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var samples = Enumerable.Range(0, 4).Select(_ => Problems.Sample("T/0", "pass")).ToList();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in new EvalHarness(runner).EvaluateAsync(TwoTasks, samples, cts.Token)) { }
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1025)]
    public void Harness_ParallelismOutOfRange_IsRejected(int parallelism) =>
        Assert.Throws<InvalidRequestException>(() => new EvalHarness(new FakeRunnerForSchedulingTests(TimeSpan.Zero), new EvalOptions { Parallelism = parallelism }));

    [Fact]
    public void Harness_TimeoutOutOfBounds_IsRejected() =>
        Assert.Throws<InvalidRequestException>(() => new EvalHarness(new FakeRunnerForSchedulingTests(TimeSpan.Zero), new EvalOptions { TimeoutMs = 0 }));

    private static async Task<List<SampleVerdict>> Collect(EvalHarness harness, IEnumerable<Sample> samples)
    {
        var list = new List<SampleVerdict>();
        await foreach (var v in harness.EvaluateAsync(TwoTasks, samples)) list.Add(v);
        return list;
    }
}
