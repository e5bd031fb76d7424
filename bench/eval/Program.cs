using Warden;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Warden.Bench.Eval;
using Warden.Eval;
using Warden.Execution;
using Warden.Linux;

// Wall time of judging HumanEval's 164 reference solutions with full isolation, side by side
// with an unisolated baseline (one plain /usr/bin/python3 per sample, same driver, same
// harness, same parallelism), in the same run. Usage (as root, from the repository root):
//   dotnet run -c Release --project bench/eval -- [--problems PATH] [--parallel N] [--rounds R] [--out FILE]
var options = ParseArgs(args);
var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
var problems = EvalFiles.ReadProblems(options.Problems);
var samples = EvalFiles.CanonicalSamples(problems);
// Start the Python zygote first, so every isolated sample can take the fast path.
await using var engine = WardenEngine.Create();
await engine.WarmUpAsync();
var isolated = new PathCountingRunner(engine.Runner);
var baseline = new UnisolatedPythonRunner();
var modes = new (string Name, ISandboxRunner Runner)[] { ("isolated (warden)", isolated), ("unisolated baseline", baseline) };

Console.Error.WriteLine($"warm-up: 16 samples per mode, parallel {options.Parallel}");
foreach (var (_, runner) in modes) await Evaluate(runner, samples.Take(16).ToList());
isolated.Paths.Clear();

var results = modes.ToDictionary(m => m.Name, _ => new List<RoundResult>());
for (var round = 0; round < options.Rounds; round++)
{
    // Alternate which mode goes first, so neither always runs on a warmer machine.
    var order = round % 2 == 0 ? modes : [.. modes.Reverse()];
    foreach (var (name, runner) in order)
    {
        var r = await Evaluate(runner, samples);
        results[name].Add(r);
        Console.Error.WriteLine($"round {round + 1}: {name,-20} {r.WallMs,8:0} ms wall, {r.Passed}/{samples.Count} passed");
    }
}

var report = Report(options, results, isolated.Paths.ToDictionary(), $"{loadBefore} before, {File.ReadAllText("/proc/loadavg").Trim()} after");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Out))!);
File.WriteAllText(options.Out, report);
Console.Out.Write(report);
return results.Values.All(rs => rs.All(r => r.Passed == samples.Count)) ? 0 : 1;

async Task<RoundResult> Evaluate(ISandboxRunner runner, List<Sample> batch)
{
    var harness = new EvalHarness(runner, new EvalOptions { Parallelism = options.Parallel });
    var durations = new List<double>();
    var passed = 0;
    var clock = Stopwatch.StartNew();
    await foreach (var v in harness.EvaluateAsync(problems, batch))
    {
        durations.Add(v.DurationMs);
        if (v.Passed) passed++;
        else Console.Error.WriteLine($"  not passed: {v.TaskId}: {v.Result}");
    }
    return new RoundResult(clock.Elapsed.TotalMilliseconds, durations, passed);
}

static string Report(BenchOptions o, Dictionary<string, List<RoundResult>> results, Dictionary<string, int> paths, string load)
{
    var sb = new StringBuilder();
    var inv = CultureInfo.InvariantCulture;
    sb.AppendLine("# Evaluation harness: HumanEval canonical solutions, isolated vs unisolated");
    sb.AppendLine();
    sb.AppendLine(inv, $"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    sb.AppendLine(inv, $"- machine: nproc {Environment.ProcessorCount}, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, {CpuModel()}, {MemTotal()}");
    sb.AppendLine(inv, $"- /proc/loadavg: {load} (other work on the machine skews both modes)");
    sb.AppendLine(inv, $"- runtime: {RuntimeInformation.FrameworkDescription}; python: /usr/bin/python3 ({PythonVersion()})");
    sb.AppendLine(inv, $"- workload: the {results.First().Value[0].Durations.Count} canonical solutions of HumanEval, each judged by the same driver (sandbox/eval/python_driver.py) and the same EvalHarness; parallel {o.Parallel}; {o.Rounds} rounds per mode, alternating which goes first; after a 16-sample warm-up per mode");
    sb.AppendLine(inv, $"- isolated: WardenEngine.Create().Runner with default limits (bubblewrap, all namespaces, seccomp, cgroup, per-sandbox uid); paths taken: {string.Join(", ", paths.Select(p => $"{p.Key} {p.Value}"))}");
    sb.AppendLine("- unisolated baseline: one plain `/usr/bin/python3 -u main.py` subprocess per sample in a temporary directory, same files, stdin and timeout");
    sb.AppendLine("- per-sample times are the harness's own measure (request built to verdict), over all rounds");
    sb.AppendLine();
    sb.AppendLine("| mode | total wall, median of rounds (min-max) | per sample median | per sample p95 | passed |");
    sb.AppendLine("|---|---|---|---|---|");
    foreach (var (name, rounds) in results)
    {
        var walls = rounds.Select(r => r.WallMs).Order().ToList();
        var all = rounds.SelectMany(r => r.Durations).Order().ToList();
        sb.AppendLine(inv, $"| {name} | {Percentile(walls, 50) / 1000:0.00} s ({walls[0] / 1000:0.00}-{walls[^1] / 1000:0.00}) | {Percentile(all, 50):0.0} ms | {Percentile(all, 95):0.0} ms | {rounds.Min(r => r.Passed)}/{rounds[0].Durations.Count} |");
    }
    var iso = Percentile(results.First().Value.Select(r => r.WallMs).Order().ToList(), 50);
    var bas = Percentile(results.Last().Value.Select(r => r.WallMs).Order().ToList(), 50);
    sb.AppendLine();
    sb.AppendLine(inv, $"Isolated / unisolated total wall: {iso / bas:0.00}x.");
    return sb.ToString();
}

static double Percentile(List<double> sorted, double p)
{
    if (sorted.Count == 0) return double.NaN;
    var rank = p / 100 * (sorted.Count - 1);
    var lo = (int)Math.Floor(rank);
    var hi = Math.Min(lo + 1, sorted.Count - 1);
    return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
}

static string CpuModel() =>
    File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

static string MemTotal() =>
    File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(':', 2)[1].Trim() + " RAM";

static string PythonVersion()
{
    using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", "--version") { RedirectStandardOutput = true })!;
    var v = p.StandardOutput.ReadToEnd().Trim();
    p.WaitForExit();
    return v;
}

static BenchOptions ParseArgs(string[] args)
{
    var o = new BenchOptions();
    for (var i = 0; i + 1 < args.Length; i += 2)
        o = args[i] switch
        {
            "--problems" => o with { Problems = args[i + 1] },
            "--parallel" => o with { Parallel = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
            "--rounds" => o with { Rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
            "--out" => o with { Out = args[i + 1] },
            _ => throw new ArgumentException($"unknown option {args[i]}"),
        };
    return o;
}

internal sealed record BenchOptions
{
    public string Problems { get; init; } = "../shared/data/HumanEval.jsonl.gz";
    public int Parallel { get; init; } = Environment.ProcessorCount;
    public int Rounds { get; init; } = 5;
    public string Out { get; init; } = "bench/results/eval-humaneval.md";
}

internal sealed record RoundResult(double WallMs, List<double> Durations, int Passed);
