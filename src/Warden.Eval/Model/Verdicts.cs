namespace Warden.Eval;

/// <summary>Helpers over verdict sequences.</summary>
internal static class Verdicts
{
    /// <summary>One verdict per sample: the last one (a resumed run's retry supersedes an earlier infrastructure error).</summary>
    public static IReadOnlyCollection<SampleVerdict> LastPerKey(IEnumerable<SampleVerdict> verdicts)
    {
        var last = new Dictionary<SampleKey, SampleVerdict>();
        foreach (var v in verdicts) last[v.Key] = v;
        return last.Values;
    }
}
