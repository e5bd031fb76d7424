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
        // With a code file: the first run's output, or every run's with WARDEN_BENCH_PRINT_ALL=1.
        var printAll = Environment.GetEnvironmentVariable("WARDEN_BENCH_PRINT_ALL") == "1";
        // WARDEN_BENCH_STANDARD=0: every run on the scientific zygote (the A/B of the standard one).
        var standard = Environment.GetEnvironmentVariable("WARDEN_BENCH_STANDARD") != "0";
        await using var engine = WardenEngine.Create(new WardenEngineOptions { Engine = new EngineOptions { FastPath = new Warden.Linux.FastPath.ZygoteOptions { StandardZygote = standard } } });
        var (fast, runner) = (engine.Backend, engine.Runner);
        if (!await fast.WarmUpAsync()) throw new InvalidOperationException("the zygote did not start: " + fast.ZygotePool?.LastStartError);
        var done = 0;
        var errors = 0;
        var paths = new Dictionary<string, int>();
        var latencies = new List<double>();
        static long MachineTicks()
        {
            // user nice system idle iowait irq softirq steal: everything but idle and iowait.
            var t = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
            return t.Sum() - t[3] - t[4];
        }
        var zygotes = new[] { fast.ZygotePool!.Standard, fast.ZygotePool.Scientific }.OfType<Warden.Linux.FastPath.PythonZygote>().ToList();
        double ZygoteCpuMs() => zygotes.Sum(z => z.Sandbox.CgroupDirs.FirstOrDefault(d => d.Contains("/cpuacct/", StringComparison.Ordinal)) is { } d
            && File.Exists(Path.Combine(d, "cpuacct.usage")) ? long.Parse(File.ReadAllText(Path.Combine(d, "cpuacct.usage")).Trim()) / 1e6 : double.NaN);
        var machine0 = MachineTicks();
        var warden0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        var zygote0 = ZygoteCpuMs();
        double jobsCpu = 0;
        foreach (var z in zygotes) Console.WriteLine($"{z.Kind} zygote: huge-page arenas {z.HugeArenas}, {z.HugePageBytes >> 20} MiB collapsed, fork hooks detached {z.ForkHooksDetached}, stdio prepared {z.StdioPrepared}");
        Console.WriteLine("ready"); // a profiler may start now
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
                    if (codeFile is not null && (done == 0 || printAll)) Console.Write(r.Stdout + r.Stderr);
                    if (r.Reason == RunReason.Exited && (codeFile is not null || r.Stdout == "1\n")) done++; else { errors++; if (errors < 5) Console.WriteLine($"{r.Reason} {r.Diagnostic} {r.Stderr}"); }
                    paths[r.Path] = paths.GetValueOrDefault(r.Path) + 1;
                    latencies.Add(ms);
                    jobsCpu += r.CpuMs;
                }
            }
        }));
        var secs = sw.Elapsed.TotalSeconds;
        var s = Stats.Of("print(1)", latencies, errors);
        var machineMs = (MachineTicks() - machine0) * 10.0; // USER_HZ 100
        var wardenMs = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - warden0;
        var zygoteMs = ZygoteCpuMs() - zygote0;
        var n = done + errors;
        Console.WriteLine($"CPU per execution: machine {machineMs / n:F2} ms = Warden (.NET) {wardenMs / n:F2} + jobs' cgroups until their answer {jobsCpu / n:F2} + zygotes' cgroups {zygoteMs / n:F2} + rest (jobs' exit after the answer, kernel threads, softirq) {(machineMs - wardenMs - jobsCpu - zygoteMs) / n:F2}");
        Console.WriteLine($"{callers} callers: {done / secs:F0}/s, {done} ok, {errors} errors, p50 {s.P50:F1} ms p95 {s.P95:F1} ms; {string.Join(", ", paths.Select(p => $"{p.Key}: {p.Value}"))}");
    }
}
