using System.Diagnostics;
using System.Globalization;
using System.Text;
using Warden.Bench;

// Warden benchmarks. Every variant runs in the same process, interleaved round-robin, so that
// the machine's noise hits them alike; results are written with date and machine.
//   dotnet run -c Release --project bench/Warden.Bench -- oneshot [N] [--out bench/results]
//   dotnet run -c Release --project bench/Warden.Bench -- stress [N]

var mode = args.Length > 0 ? args[0] : "oneshot";
var n = args.Length > 1 && int.TryParse(args[1], out var parsed) ? parsed : 200;
var outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(Repo.Root, "bench", "results");

switch (mode)
{
    case "oneshot":
        await OneShotBench.RunAsync(n, outDir);
        break;
    case "fastpath":
        await FastPathBench.RunAsync(n, outDir);
        break;
    case "stress":
        await Stress.RunAsync(n);
        break;
    case "throughput":
        await Throughput.RunAsync(n, args.Length > 2 && double.TryParse(args[2], CultureInfo.InvariantCulture, out var secs) ? secs : 10, args.Length > 3 ? args[3] : null);
        break;
    default:
        Console.Error.WriteLine("usage: Warden.Bench oneshot|fastpath|stress|throughput [N] [SECONDS] [--out DIR]");
        return 2;
}
return 0;

namespace Warden.Bench
{
    internal static class Repo
    {
        public static string Root
        {
            get
            {
                var d = AppContext.BaseDirectory;
                while (d is not null && !File.Exists(Path.Combine(d, "Warden.slnx"))) d = Path.GetDirectoryName(d);
                return d ?? Directory.GetCurrentDirectory();
            }
        }
    }

    internal sealed record Stats(string Name, int N, double P50, double P95, double Mean, double Min, int Failures)
    {
        public static Stats Of(string name, List<double> ms, int failures)
        {
            var s = ms.Order().ToArray();
            double Q(double q) => s.Length == 0 ? double.NaN : s[Math.Min(s.Length - 1, (int)Math.Ceiling(q * s.Length) - 1)];
            return new Stats(name, s.Length, Q(0.50), Q(0.95), s.Length == 0 ? double.NaN : s.Average(), s.Length == 0 ? double.NaN : s[0], failures);
        }
    }

    internal static class Machine
    {
        public static string Describe()
        {
            var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
            var mem = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
            return $"{Environment.ProcessorCount} vCPU ({cpu}), {mem} RAM, Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, "
                + $"{(File.Exists("/etc/debian_version") ? "Debian " + File.ReadAllText("/etc/debian_version").Trim() : "")}, .NET {Environment.Version}";
        }

        public static string Table(IEnumerable<Stats> stats, Stats baseline, Stats? reference = null)
        {
            var sb = new StringBuilder();
            sb.AppendLine(reference is null
                ? "| variant | n | p50 ms | p95 ms | mean ms | min ms | p50 vs baseline | failures |"
                : $"| variant | n | p50 ms | p95 ms | mean ms | min ms | p50 vs {baseline.Name} | p50 vs {reference.Name} | failures |");
            sb.AppendLine(reference is null ? "|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|---|");
            foreach (var s in stats)
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {s.Name} | {s.N} | {s.P50:F1} | {s.P95:F1} | {s.Mean:F1} | {s.Min:F1} | {s.P50 / baseline.P50:F2}x |");
                if (reference is not null) sb.Append(CultureInfo.InvariantCulture, $" {s.P50 / reference.P50:F2}x |");
                sb.AppendLine(CultureInfo.InvariantCulture, $" {s.Failures} |");
            }
            return sb.ToString();
        }
    }

    internal static class Timing
    {
        public static async Task<double> TimeAsync(Func<Task<bool>> action, Action<bool> onResult)
        {
            var sw = Stopwatch.StartNew();
            var ok = await action();
            var ms = sw.Elapsed.TotalMilliseconds;
            onResult(ok);
            return ms;
        }
    }
}
