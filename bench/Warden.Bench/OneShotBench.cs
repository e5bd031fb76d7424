using System.Diagnostics;
using System.Globalization;
using System.Text;
using Warden.Execution;
using Warden.Linux;
using Warden.Linux.Isolation;
using Warden.Linux.Native;
using Warden.Policy;
using Warden.Sandbox;

namespace Warden.Bench;

/// <summary>
/// p50/p95 of <c>print(1)</c> in Python, one fresh process or sandbox per run, for: bare
/// /usr/bin/python3, bubblewrap by hand (minimal flags, and Warden's own flags), Warden through
/// the library, and Warden through <c>./warden run</c>. Issue 2's target: library p50 within
/// 1.3x of bubblewrap by hand with Warden's flags.
/// </summary>
internal static class OneShotBench
{
    private const string Code = "print(1)";
    private const int HandUid = 1_899_999_999; // an unprivileged uid, as Warden's sandboxes have

    public static async Task RunAsync(int n, string outDir)
    {
        // Issue 2 measures the cold path (a fresh sandbox per run); the fast path has its own row.
        await using var coldEngine = WardenEngine.Create(new WardenEngineOptions { Engine = new EngineOptions { FastPath = new Warden.Linux.FastPath.ZygoteOptions { Enabled = false } } });
        var (backend, runner) = (coldEngine.Backend, coldEngine.Runner);
        await using var fastEngine = WardenEngine.Create();
        await fastEngine.WarmUpAsync();
        var fastRunner = fastEngine.Runner;
        string[] minimal =
        [
            "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
            "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--clearenv", "--", "/usr/bin/python3", "-c", Code,
        ];
        var cli = Path.Combine(Repo.Root, "warden");
        var (docker, noDocker) = Docker.Probe();

        var variants = new List<(string Name, Func<Task<bool>> Run, int Every)>
        {
            ("bare /usr/bin/python3 (no isolation)", () => Spawn("/usr/bin/python3", ["python3", "-c", Code], null), 1),
            ("bubblewrap by hand, minimal flags", () => Spawn("/usr/bin/setpriv", [.. SetPriv, "/usr/bin/bwrap", .. minimal], null), 1),
            ("bubblewrap by hand, Warden's flags + seccomp", BwrapByHand(backend, Code), 1),
            ("Warden library (RunAsync), cold path", async () =>
            {
                var r = await runner.RunAsync(new RunRequest { Language = "python", Code = Code });
                return r.Reason == RunReason.Exited && r.Stdout == "1\n" && r.Path == "cold";
            }, 1),
            ("./warden run (CLI process)", () => Spawn(cli, [cli, "run", "-l", "python", "-c", Code], null), 4),
            ("Warden library, fast path (issue 3)", async () =>
            {
                var r = await fastRunner.RunAsync(new RunRequest { Language = "python", Code = Code });
                return r.Reason == RunReason.Exited && r.Stdout == "1\n";
            }, 1),
        };
        if (docker is not null) variants.Add(("docker run (fresh container, same python3)", () => docker.RunPython(Code), 1));

        // Warm up every variant (page cache, JIT, the CLI's build).
        foreach (var v in variants)
            for (var i = 0; i < 3; i++) await v.Run();

        var samples = variants.Select(_ => new List<double>()).ToArray();
        var failures = new int[variants.Count];
        var started = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
            for (var k = 0; k < variants.Count; k++)
            {
                if (i % variants[k].Every != 0) continue;
                var kk = k;
                samples[k].Add(await Timing.TimeAsync(variants[k].Run, ok => { if (!ok) failures[kk]++; }));
            }
        var stats = variants.Select((v, k) => Stats.Of(v.Name, samples[k], failures[k])).ToList();

        var md = new StringBuilder();
        md.AppendLine("# One-shot execution: `print(1)` in Python, one fresh sandbox per run");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Machine.Describe()}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Method: all variants in one process, interleaved round-robin, {n} rounds (the CLI every 4th round), after 3 warm-up runs each; wall time from spawn/call to reaped exit with stdout captured. Total {started.Elapsed.TotalSeconds:F0} s.");
        md.AppendLine("- bubblewrap by hand runs as an unprivileged uid through `setpriv` (as Warden's sandboxes do); \"Warden's flags\" is the exact bubblewrap argument vector the engine builds (every namespace, read-only binds, synthesized /etc, sized tmpfs, seccomp program) with python3 as the command: no helper, no cgroup, no rlimits.");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Docker: {Docker.Describe(docker, noDocker)}");
        md.AppendLine();
        md.AppendLine(Machine.Table(stats, stats[0], stats[2]));
        var lib = stats[3];
        md.AppendLine(CultureInfo.InvariantCulture, $"Issue 2 target: library p50 within 1.3x of bubblewrap by hand with Warden's flags: **{lib.P50 / stats[2].P50:F2}x** ({(lib.P50 / stats[2].P50 <= 1.3 ? "met" : "NOT met")}).");
        var text = md.ToString();
        Console.Write(text);
        Directory.CreateDirectory(outDir);
        var file = Path.Combine(outDir, $"{DateTime.UtcNow:yyyy-MM-dd}-oneshot.md");
        await File.WriteAllTextAsync(file, text);
        Console.Error.WriteLine("wrote " + file);
    }

    private static readonly string[] SetPriv =
    [
        "setpriv", "--reuid=" + HandUid.ToString(CultureInfo.InvariantCulture), "--regid=" + HandUid.ToString(CultureInfo.InvariantCulture), "--clear-groups",
    ];

    /// <summary>
    /// bubblewrap by hand with the exact argument vector Warden builds (every namespace, binds,
    /// synthesized /etc, sized tmpfs, seccomp program) and python3 -c CODE as the command, as an
    /// unprivileged uid: no helper, no cgroup, no rlimits.
    /// </summary>
    public static Func<Task<bool>> BwrapByHand(LinuxSandboxBackend backend, string code)
    {
        var (bwrapArgs, seccomp) = backend.BwrapByHand(new SandboxSpec
        {
            Argv = ["/usr/bin/python3", "-u", "-c", code],
            Limits = Limits.Default,
            Env = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["HOME"] = "/workspace", ["LANG"] = "C.UTF-8" },
        });
        return () => Spawn("/usr/bin/setpriv", [.. SetPriv, "/usr/bin/bwrap", .. bwrapArgs], seccomp);
    }

    /// <summary>Bare /usr/bin/python3 -c CODE, as the baseline of every table.</summary>
    public static Task<bool> SpawnPython(string code) => Spawn("/usr/bin/python3", ["python3", "-c", code], null);

    internal static async Task<bool> Spawn(string path, string[] argv, byte[]? seccomp)
    {
        var (r, w) = Libc.Pipe();
        var nul = Libc.open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        var fds = new List<(int, int)> { (0, nul), (1, w), (2, nul) };
        var sec = -1;
        if (seccomp is not null)
        {
            sec = Libc.MemFd("seccomp", seccomp);
            fds.Add((4, sec));
        }
        int pid;
        try
        {
            pid = await Spawner.SpawnAsync(path, argv, ["PATH=/usr/bin:/bin"], fds);
        }
        finally
        {
            Libc.close(w);
            Libc.close(nul);
            if (sec >= 0) Libc.close(sec);
        }
        var output = Task.Run(() =>
        {
            using var s = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(r, ownsHandle: true), FileAccess.Read, 1);
            using var reader = new StreamReader(s);
            return reader.ReadToEnd();
        });
        var status = await Spawner.WaitAsync(pid);
        var text = await output;
        return status == 0 && text == "1\n";
    }
}
