using System.Globalization;
using System.Text;

namespace Warden.LoadTest;

/// <summary>The committed result: throughput, latency percentiles, errors, audit completeness, memory, leftovers.</summary>
internal static class Report
{
    /// <summary>One round of the load: its requests, and the server's memory and live sandboxes after it.</summary>
    public sealed record Round(Results Results, TimeSpan Elapsed, long RssAfterKb, long RssIdleKb, (int Live, int Empty) SandboxesIdle);

    public sealed record Input
    {
        public int Clients { get; init; }
        public int Seconds { get; init; }
        public required IReadOnlyList<Round> Rounds { get; init; }
        public int WarmupRequests { get; init; }
        public long RssBeforeKb { get; init; }
        public int CgroupsAfterExit { get; init; }
        public (int Live, int Empty) BaselineSandboxes { get; init; }
        public string LoadBefore { get; init; } = "";
        public string LoadAfter { get; init; } = "";
        public int LeftoverProcesses { get; init; }
        public long AuditRecords { get; init; }
        public long AuditRunRecords { get; init; }
        public int ServerExitCode { get; init; }
        public double StopMs { get; init; }
    }

    public static string Build(Input i)
    {
        var all = i.Rounds.SelectMany(r => r.Results.All).ToList();
        var total = all.Count;
        var ic = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ic, $"# Server load test, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine();
        sb.AppendLine(ic, $"Machine: {Machine()}; load average before: {i.LoadBefore}, after: {i.LoadAfter} (other work on the machine shares its 2 vCPU)");
        sb.AppendLine();
        sb.AppendLine(ic, $"`dotnet run -c Release --project bench/Warden.LoadTest -- --clients {i.Clients} --seconds {i.Seconds} --rounds {i.Rounds.Count}`: `./warden serve` in its own process with the default configuration but each user key's rate raised to {ServerProcess.RequestsPerMinute} requests/min (the default 120 would make this a test of the rate limiter; concurrent-run and live-session quotas stay at their defaults, 4 each), {i.Clients} clients on loopback TCP, one user key each, each sending its next request when the last is answered, for {i.Seconds} s, {i.Rounds.Count} identical rounds 10 s apart. Each client opens a Python session, then sends in turn 5 in 10 synchronous Python runs (`print(sum(range(1000)))`), 2 in 10 bash runs, 1 in 10 streamed (NDJSON) Python runs and 2 in 10 cells in its session (the same code), and deletes its session at the end of the round. Every run is a fresh sandbox, never reused (Python runs: a prepared child of the zygote; bash runs: the cold path); cells run in the session's kernel.");
        sb.AppendLine();
        sb.AppendLine("| round | kind | requests | ok | p50 ms | p95 ms | p99 ms | max ms |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        for (var n = 0; n < i.Rounds.Count; n++)
        {
            var samples = i.Rounds[n].Results.All;
            foreach (var g in samples.GroupBy(s => s.Kind).OrderBy(g => g.Key).Append(samples.GroupBy(_ => "all").First()))
            {
                var ms = g.Select(s => s.Ms).Order().ToList();
                sb.AppendLine(ic, $"| {n + 1} | {g.Key} | {ms.Count} | {g.Count(s => s.Ok)} | {Results.Percentile(ms, 0.50):F0} | {Results.Percentile(ms, 0.95):F0} | {Results.Percentile(ms, 0.99):F0} | {ms[^1]:F0} |");
            }
        }
        sb.AppendLine();
        var statuses = string.Join(", ", all.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "connection error" : g.Key.ToString(ic))}: {g.Count()}"));
        foreach (var (r, n) in i.Rounds.Select((r, n) => (r, n + 1)))
            sb.AppendLine(ic, $"- round {n}: **{r.Results.Count / r.Elapsed.TotalSeconds:F1} requests/s** ({r.Results.Count} in {r.Elapsed.TotalSeconds:F1} s); server RSS {r.RssAfterKb / 1024.0:F0} MiB at its end, {r.RssIdleKb / 1024.0:F0} MiB after 10 s idle; sandbox cgroups when idle: {r.SandboxesIdle.Live} live (after warm-up: {i.BaselineSandboxes.Live}, the fast path's zygotes and prepared children) and {r.SandboxesIdle.Empty} empty, made ahead for the next sandbox of a shape (after warm-up: {i.BaselineSandboxes.Empty}; at most {Warden.Linux.Cgroups.CgroupReserve.MaxShapes})");
        sb.AppendLine(ic, $"- server RSS after warm-up (20 runs): {i.RssBeforeKb / 1024.0:F0} MiB");
        sb.AppendLine(ic, $"- statuses: {statuses}; **5xx: {all.Count(s => s.Status >= 500)}**, wrong or failed answers: {all.Count(s => !s.Ok)}");
        sb.AppendLine(ic, $"- audit: **{i.AuditRecords} records for {total + i.WarmupRequests} requests** (warm-up included; {i.AuditRunRecords} `runs.create`); lost: {total + i.WarmupRequests - i.AuditRecords}");
        sb.AppendLine(ic, $"- after the server exited: {i.CgroupsAfterExit} of its cgroups left, {i.LeftoverProcesses} processes carrying the runs' marker left");
        sb.AppendLine(ic, $"- graceful stop (SIGTERM): exit code {i.ServerExitCode} after {i.StopMs:F0} ms");
        return sb.ToString();
    }

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var mem = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
        return $"{Environment.ProcessorCount} vCPU ({cpu}), {mem} RAM, Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, .NET {Environment.Version}";
    }
}
