namespace Warden.Eval;

/// <summary>
/// The totals of a run and its pass@k. Only judged samples (passed, failed, timed out) count
/// towards pass@k; infrastructure errors and skipped samples are counted apart.
/// </summary>
public sealed record EvalSummary
{
    /// <summary>Samples with a verdict.</summary>
    public int Samples { get; init; }
    /// <summary>Samples that passed.</summary>
    public int Passed { get; init; }
    /// <summary>Samples that failed (timeouts not included).</summary>
    public int Failed { get; init; }
    /// <summary>Samples that timed out.</summary>
    public int TimedOut { get; init; }
    /// <summary>Samples Warden could not judge because of its own failure. Not in pass@k.</summary>
    public int InfrastructureErrors { get; init; }
    /// <summary>Samples not run because their language is not available here. Not in pass@k.</summary>
    public int Skipped { get; init; }
    /// <summary>Tasks with at least one judged sample.</summary>
    public int Tasks { get; init; }
    /// <summary>pass@k by name (<c>pass@1</c>), mean over tasks, for each k every task has at least k judged samples for.</summary>
    public IReadOnlyDictionary<string, double> PassAtK { get; init; } = new Dictionary<string, double>();
    /// <summary>The k asked for that some task has fewer judged samples than, so no pass@k was computed.</summary>
    public IReadOnlyList<int> UnreachedK { get; init; } = [];

    /// <summary>Whether any sample could not be judged (infrastructure errors or skipped languages).</summary>
    public bool Incomplete => InfrastructureErrors > 0 || Skipped > 0;

    /// <summary>
    /// Summarizes <paramref name="verdicts"/>. When a sample has several verdicts (a resumed run
    /// that retried an infrastructure error), the last one counts.
    /// </summary>
    /// <param name="verdicts">The verdicts, in the order they were reached.</param>
    /// <param name="ks">The k to compute pass@k for; duplicates and order do not matter.</param>
    public static EvalSummary Compute(IEnumerable<SampleVerdict> verdicts, IEnumerable<int> ks)
    {
        var last = Verdicts.LastPerKey(verdicts);
        var byOutcome = last.GroupBy(v => v.Outcome).ToDictionary(g => g.Key, g => g.Count());
        var perTask = last.Where(v => v.IsJudged)
            .GroupBy(v => v.TaskId, StringComparer.Ordinal)
            .Select(g => (N: g.Count(), C: g.Count(v => v.Passed)))
            .ToList();
        var passAtK = new SortedDictionary<int, double>();
        var unreached = new List<int>();
        foreach (var k in ks.Distinct().Order())
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, nameof(ks));
            if (perTask.Count == 0 || perTask.Any(t => t.N < k)) unreached.Add(k);
            else passAtK[k] = perTask.Average(t => Eval.PassAtK.Compute(t.N, t.C, k));
        }
        return new EvalSummary
        {
            Samples = last.Count,
            Passed = byOutcome.GetValueOrDefault(VerdictOutcome.Passed),
            Failed = byOutcome.GetValueOrDefault(VerdictOutcome.Failed),
            TimedOut = byOutcome.GetValueOrDefault(VerdictOutcome.TimedOut),
            InfrastructureErrors = byOutcome.GetValueOrDefault(VerdictOutcome.InfrastructureError),
            Skipped = byOutcome.GetValueOrDefault(VerdictOutcome.Skipped),
            Tasks = perTask.Count,
            PassAtK = passAtK.ToDictionary(p => $"pass@{p.Key}", p => p.Value),
            UnreachedK = unreached,
        };
    }
}
