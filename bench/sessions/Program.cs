using Warden;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Warden.Linux;
using Warden.Sessions;

// Session benchmarks, Warden and Jupyter side by side in one run, interleaved sample by sample:
//   dotnet run -c Release --project bench/sessions -- [CELLS] [STARTS] [--out bench/results]
// - cell round trip of `x += 1` through the library (ExecuteToEndAsync: request to CellResult with
//   every output) vs. a real ipykernel driven by jupyter_client (request to iopub idle + reply);
// - session start (CreateAsync until the kernel is ready; and until a first cell answered) vs.
//   jupyter_client's start_kernel + wait_for_ready;
// - idle memory: RSS of the kernel process (and the whole sandbox's cgroup) vs. the ipykernel's RSS.

var cells = args.Length > 0 && int.TryParse(args[0], out var c) ? c : 1000;
var starts = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 50;
var outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(Bench.RepoRoot(), "bench", "results");
var marker = Guid.NewGuid().ToString("N");
var loadBefore = File.ReadAllText("/proc/loadavg").Trim();

await using var engine = WardenEngine.Create();
await using var manager = new SessionManager(engine.Backend, new SessionManagerOptions { MaxSessions = 4 });
var env = new Dictionary<string, string> { ["WARDEN_BENCH_MARKER"] = marker };
using var jupyter = Jupyter.Start();
var versions = jupyter.Ask("version");

// Warm-up: the engine, the kernel's first imports, the JIT, Jupyter's first cells.
for (var i = 0; i < 3; i++)
{
    var w = await manager.CreateAsync(new SessionCreateRequest { Language = "python", Env = env }, "bench");
    await manager.ExecuteToEndAsync(w.Id, "bench", new CellRequest { Code = "1" });
    await manager.KillAsync(w.Id, "bench");
}
var session = await manager.CreateAsync(new SessionCreateRequest { Language = "python", Env = env }, "bench");
await manager.ExecuteToEndAsync(session.Id, "bench", new CellRequest { Code = "x = 0" });
jupyter.Ask("cell x = 0");
for (var i = 0; i < 100; i++)
{
    await manager.ExecuteToEndAsync(session.Id, "bench", new CellRequest { Code = "x += 1" });
    jupyter.Ask("cell x += 1");
}

// Cell round trips, interleaved.
var wardenCell = new List<double>();
var jupyterCell = new List<double>();
var failures = 0;
var sw = new Stopwatch();
for (var i = 0; i < cells; i++)
{
    sw.Restart();
    var r = await manager.ExecuteToEndAsync(session.Id, "bench", new CellRequest { Code = "x += 1" });
    var ms = sw.Elapsed.TotalMilliseconds;
    if (r.Status == CellStatus.Ok) wardenCell.Add(ms); else failures++;
    var j = jupyter.Ask("cell x += 1");
    if (double.TryParse(j, NumberStyles.Float, CultureInfo.InvariantCulture, out var jm)) jupyterCell.Add(jm);
}
var check = await manager.ExecuteToEndAsync(session.Id, "bench", new CellRequest { Code = "x" });

// Idle memory, after a pause.
await Task.Delay(2000);
var kernelRss = Bench.RssKbOfProcessesWith($"WARDEN_BENCH_MARKER={marker}", "python3");
var cgroupBytes = manager.Get(session.Id)!.MemoryBytes;
var jupyterRss = long.Parse(jupyter.Ask("rss"), CultureInfo.InvariantCulture);
await manager.KillAsync(session.Id, "bench");

// Session starts, interleaved.
var wardenStart = new List<double>();
var wardenStartCell = new List<double>();
var jupyterStart = new List<double>();
for (var i = 0; i < starts; i++)
{
    sw.Restart();
    var x = await manager.CreateAsync(new SessionCreateRequest { Language = "python", Env = env }, "bench");
    wardenStart.Add(sw.Elapsed.TotalMilliseconds);
    await manager.ExecuteToEndAsync(x.Id, "bench", new CellRequest { Code = "1" });
    wardenStartCell.Add(sw.Elapsed.TotalMilliseconds);
    await manager.KillAsync(x.Id, "bench");
    if (i % 5 == 0 && double.TryParse(jupyter.Ask("start"), NumberStyles.Float, CultureInfo.InvariantCulture, out var js)) jupyterStart.Add(js);
}

// The sessions' fast path: prepared kernels (one request whenever the pool has refilled).
var preparedStart = new List<double>();
await using (var fast = new SessionManager(engine.Backend, new SessionManagerOptions { MaxSessions = 4, PreparedSessions = 2 }))
{
    for (var i = 0; i < starts + 3; i++)
    {
        for (var w = 0; w < 500 && fast.PreparedReady < 2; w++) await Task.Delay(10);
        sw.Restart();
        var x = await fast.CreateAsync(new SessionCreateRequest { Language = "python", Env = env }, "bench");
        var ms = sw.Elapsed.TotalMilliseconds;
        if (i >= 3) preparedStart.Add(ms);
        await fast.ExecuteToEndAsync(x.Id, "bench", new CellRequest { Code = "1" });
        await fast.KillAsync(x.Id, "bench");
    }
}

var rows = new[]
{
    Stat.Of("Warden session, cell `x += 1` (library)", wardenCell),
    Stat.Of("Jupyter ipykernel via jupyter_client, cell `x += 1`", jupyterCell),
    Stat.Of("Warden session start (CreateAsync until ready)", wardenStart),
    Stat.Of("Warden session start + first cell `1`", wardenStartCell),
    Stat.Of("Jupyter kernel start (start_kernel + wait_for_ready)", jupyterStart),
    Stat.Of("Warden session start, prepared kernel (PreparedSessions = 2)", preparedStart),
};
var md = new StringBuilder();
var now = DateTime.UtcNow;
md.AppendLine("# Sessions: cell round trip, start time and idle memory, Warden vs. Jupyter");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"- Date: {now:yyyy-MM-dd HH:mm} UTC");
md.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Bench.Machine()}; /proc/loadavg before: {loadBefore}, after: {File.ReadAllText("/proc/loadavg").Trim()} (other sessions share this machine)");
md.AppendLine(CultureInfo.InvariantCulture, $"- Jupyter: {versions}, kernel /usr/bin/python3 -m ipykernel_launcher (Debian), driven by jupyter_client from /usr/bin/python3; timed inside that process (request sent until iopub idle and execute_reply received).");
md.AppendLine("- Warden: `SessionManager.ExecuteToEndAsync` (request until the CellResult with every output), Python kernel in a full sandbox (namespaces, seccomp, cgroup, rlimits). Start: cold (a new sandbox per session), and with prepared kernels (`PreparedSessions = 2`, each session taking a kernel started ahead in its own sandbox; one request whenever the pool has refilled).");
md.AppendLine(CultureInfo.InvariantCulture, $"- Method: one process, Warden and Jupyter interleaved sample by sample; {cells} cells after 100 warm-up cells each; {starts} Warden starts (each killed after its first cell) and {jupyterStart.Count} Jupyter starts interleaved. Check: x = {check.Text()} after {cells + 100} increments.");
md.AppendLine();
md.AppendLine("| what | n | p50 ms | p95 ms | mean ms | min ms |");
md.AppendLine("|---|---|---|---|---|---|");
foreach (var r in rows) md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.N} | {r.P50:F3} | {r.P95:F3} | {r.Mean:F3} | {r.Min:F3} |");
md.AppendLine();
md.AppendLine("| idle memory | value |");
md.AppendLine("|---|---|");
md.AppendLine(CultureInfo.InvariantCulture, $"| Warden kernel process RSS (python3) | {kernelRss / 1024.0:F1} MiB |");
md.AppendLine(CultureInfo.InvariantCulture, $"| Warden session's whole cgroup (kernel, pid 1, page cache of what it read) | {cgroupBytes / 1048576.0:F1} MiB |");
md.AppendLine(CultureInfo.InvariantCulture, $"| Jupyter ipykernel RSS | {jupyterRss / 1024.0:F1} MiB |");
md.AppendLine();
var cellRatio = rows[0].P50 / rows[1].P50;
md.AppendLine("Targets (issue 4):");
md.AppendLine(CultureInfo.InvariantCulture, $"- cell round trip <= 0.5x Jupyter's and <= 1 ms p50: **{cellRatio:F3}x, {rows[0].P50:F3} ms** ({(cellRatio <= 0.5 && rows[0].P50 <= 1 ? "met" : "NOT met")})");
md.AppendLine(CultureInfo.InvariantCulture, $"- session start <= 50 ms p50: **{rows[2].P50:F1} ms** cold ({(rows[2].P50 <= 50 ? "met" : "NOT met")}); <= 10 ms with the fast path: **{rows[5].P50:F2} ms** with prepared kernels ({(rows[5].P50 <= 10 ? "met" : "NOT met")})");
md.AppendLine(CultureInfo.InvariantCulture, $"- idle session <= 15 MB RSS: **{kernelRss / 1024.0:F1} MiB** kernel RSS ({(kernelRss / 1024.0 <= 15 ? "met" : "NOT met")})");
if (failures > 0) md.AppendLine(CultureInfo.InvariantCulture, $"- failures: {failures}");
Console.Write(md.ToString());
Directory.CreateDirectory(outDir);
var file = Path.Combine(outDir, $"{now:yyyy-MM-dd}-sessions.md");
await File.WriteAllTextAsync(file, md.ToString());
Console.Error.WriteLine("written to " + file);
return 0;

internal sealed record Stat(string Name, int N, double P50, double P95, double Mean, double Min)
{
    public static Stat Of(string name, List<double> ms)
    {
        var s = ms.Order().ToArray();
        double Q(double q) => s.Length == 0 ? double.NaN : s[Math.Min(s.Length - 1, (int)Math.Ceiling(q * s.Length) - 1)];
        return new Stat(name, s.Length, Q(0.5), Q(0.95), s.Length == 0 ? double.NaN : s.Average(), s.Length == 0 ? double.NaN : s[0]);
    }
}

/// <summary>The Jupyter side: jupyter_baseline.py as a child process, one command per line.</summary>
internal sealed class Jupyter : IDisposable
{
    private readonly Process _p;

    private Jupyter(Process p) => _p = p;

    public static Jupyter Start()
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "jupyter_baseline.py"));
        psi.Environment["PATH"] = "/usr/bin:/bin";
        psi.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";
        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        return new Jupyter(p);
    }

    public string Ask(string command)
    {
        _p.StandardInput.WriteLine(command);
        _p.StandardInput.Flush();
        return _p.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the Jupyter baseline exited");
    }

    public void Dispose()
    {
        _p.StandardInput.Close();
        if (!_p.WaitForExit(10_000)) _p.Kill(entireProcessTree: true);
        _p.Dispose();
    }
}

internal static class Bench
{
    public static string RepoRoot()
    {
        var d = AppContext.BaseDirectory;
        while (d is not null && !File.Exists(Path.Combine(d, "Warden.slnx"))) d = Path.GetDirectoryName(d);
        return d ?? Directory.GetCurrentDirectory();
    }

    public static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var mem = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
        return $"{Environment.ProcessorCount} vCPU ({cpu}), {mem} RAM, Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, "
            + $"{(File.Exists("/etc/debian_version") ? "Debian " + File.ReadAllText("/etc/debian_version").Trim() : "")}, .NET {Environment.Version}";
    }

    /// <summary>Sum of VmRSS (kB) of host processes named <paramref name="comm"/> whose environment holds <paramref name="needle"/>.</summary>
    public static long RssKbOfProcessesWith(string needle, string comm)
    {
        var bytes = Encoding.UTF8.GetBytes(needle);
        long total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != comm) continue;
                if (File.ReadAllBytes(Path.Combine(dir, "environ")).AsSpan().IndexOf(bytes) < 0) continue;
                var rss = File.ReadLines(Path.Combine(dir, "status")).First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                total += long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException) { }
        }
        return total;
    }
}

internal static class CellText
{
    public static string? Text(this CellResult r) =>
        r.Outputs.OfType<ExecuteResultOutput>().FirstOrDefault()?.Data.TryGetValue("text/plain", out var t) == true ? t.GetString() : null;
}
