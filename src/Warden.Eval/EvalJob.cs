using Warden.Eval.Progress;
using Warden.Execution;

namespace Warden.Eval;

/// <summary>
/// A whole evaluation from files, as <c>warden eval</c> runs it: reads problems and samples,
/// resumes from the results file, appends each verdict to it as it comes, and summarizes the
/// earlier and the new verdicts together.
/// </summary>
internal sealed record EvalJob
{
    public required string ProblemsPath { get; init; }
    public required string SamplesPath { get; init; }
    public string? ResultsPath { get; init; }
    public IReadOnlyList<int> Ks { get; init; } = [1, 10, 100];
    public EvalOptions Options { get; init; } = new();

    /// <exception cref="InvalidDataException">An input file is malformed, or a sample names an unknown task.</exception>
    /// <exception cref="IOException">A file cannot be read or the results file cannot be opened.</exception>
    /// <param name="runner">The sandboxed runner.</param>
    /// <param name="progress">Progress display, if any.</param>
    /// <param name="cancellationToken">Stops the run; the verdicts reached so far stay in the results file.</param>
    /// <param name="onVerdict">Called with each new verdict after it is in the results file.</param>
    public async Task<EvalSummary> RunAsync(ISandboxRunner runner, ProgressReporter? progress, CancellationToken cancellationToken, Action<SampleVerdict>? onVerdict = null)
    {
        var problems = EvalFiles.ReadProblems(ProblemsPath);
        var samples = EvalFiles.ReadSamples(SamplesPath);
        var keys = NumberSamples(problems, samples);

        using var results = ResultsPath is null ? null : ResultsFile.Open(ResultsPath);
        // Verdicts of samples that are no longer in the input are left in the file but not counted.
        var previous = results?.Previous.Where(v => keys.Contains(v.Key)).ToList() ?? [];
        var judged = results?.Judged.Where(keys.Contains).ToHashSet() ?? [];
        var harness = new EvalHarness(runner, Options with { Completed = judged });

        progress?.Start(samples.Count, Verdicts.LastPerKey(previous).Where(v => judged.Contains(v.Key)));
        var verdicts = new List<SampleVerdict>(previous);
        try
        {
            await foreach (var v in harness.EvaluateAsync(problems, samples, cancellationToken).ConfigureAwait(false))
            {
                results?.Append(v);
                verdicts.Add(v);
                progress?.Report(v);
                onVerdict?.Invoke(v);
            }
        }
        finally
        {
            progress?.Finish();
        }
        return EvalSummary.Compute(verdicts, Ks);
    }

    private HashSet<SampleKey> NumberSamples(List<Problem> problems, List<Sample> samples)
    {
        var known = problems.Select(p => p.TaskId).ToHashSet(StringComparer.Ordinal);
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new HashSet<SampleKey>();
        for (var i = 0; i < samples.Count; i++)
        {
            var task = samples[i].TaskId;
            if (!known.Contains(task))
                throw new InvalidDataException($"{Path.GetFileName(SamplesPath)}: sample {i + 1} names task_id '{task}', which is not in {Path.GetFileName(ProblemsPath)}.");
            var id = next.GetValueOrDefault(task);
            next[task] = id + 1;
            keys.Add(new SampleKey(task, id));
        }
        return keys;
    }
}
