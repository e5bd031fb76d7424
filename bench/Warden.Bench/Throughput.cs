using System.Diagnostics;
using Warden.Execution;
using Warden.Linux;
using Warden.Linux.Isolation;

namespace Warden.Bench;

/// <summary>Sustained fast-path throughput only (for profiling): N callers running print(1) for S seconds.</summary>
internal static class Throughput
{
    public static async Task RunAsync(int callers, double seconds, string? codeFile = null)
    {
        var code = codeFile is null ? "print(1)" : File.ReadAllText(codeFile);
        using var fast = new LinuxSandboxBackend();
        var runner = WardenEngine.CreateRunner(fast);
        if (!await fast.WarmUpAsync()) throw new InvalidOperationException("the zygote did not start: " + fast.ZygotePool?.LastStartError);
        var done = 0;
        var errors = 0;
        var paths = new Dictionary<string, int>();
        var latencies = new List<double>();
        Console.WriteLine($"ready; huge-page arenas {fast.ZygotePool!.Current!.HugeArenas}, {fast.ZygotePool.Current.HugePageBytes >> 20} MiB collapsed"); // a profiler may start now
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                var t = Stopwatch.GetTimestamp();
                var r = await runner.RunAsync(new RunRequest { Language = "python", Code = code });
                var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                lock (paths)
                {
                    if (codeFile is not null && done == 0) Console.Write(r.Stdout + r.Stderr);
                    if (r.Reason == RunReason.Exited && (codeFile is not null || r.Stdout == "1\n")) done++; else { errors++; if (errors < 5) Console.WriteLine($"{r.Reason} {r.Diagnostic} {r.Stderr}"); }
                    paths[r.Path] = paths.GetValueOrDefault(r.Path) + 1;
                    latencies.Add(ms);
                }
            }
        }));
        var secs = sw.Elapsed.TotalSeconds;
        var s = Stats.Of("print(1)", latencies, errors);
        Console.WriteLine($"{callers} callers: {done / secs:F0}/s, {done} ok, {errors} errors, p50 {s.P50:F1} ms p95 {s.P95:F1} ms; {string.Join(", ", paths.Select(p => $"{p.Key}: {p.Value}"))}");
    }
}
