using System.Collections.Concurrent;

namespace Warden.LoadTest;

/// <summary>Every request's outcome, collected from all clients.</summary>
internal sealed class Results
{
    private readonly ConcurrentBag<Workload.Sample> _samples = [];

    public void Add(Workload.Sample s) => _samples.Add(s);

    public int Count => _samples.Count;

    public IReadOnlyList<Workload.Sample> All => [.. _samples];

    public int ServerErrors => _samples.Count(s => s.Status >= 500);

    public int ConnectionErrors => _samples.Count(s => s.Status == 0);

    public static double Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1))];
}
