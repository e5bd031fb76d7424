using System.Diagnostics;
using System.Text;
using Warden.Execution;
using Warden.Linux.FastPath;
using Warden.Policy;
using Warden.TestSupport;
using Warden.Tests;

namespace Warden.Escape.Tests;

/// <summary>
/// Attacks through the process group and the status channel. A pid namespace does not bound a
/// process group: <c>kill(0, …)</c>, <c>killpg</c> and <c>setpriority(PRIO_PGRP, …)</c> reach every
/// process sharing the caller's host process group, so each run must have its own before its code
/// runs, and every deadline must be enforced by killing, never by waiting for a report. On the fast
/// path the program writes its own collect pipe: what it forges there must gain it nothing.
/// Every attack first checks that it runs inside a sandbox (pid 2 under Warden's helper).
/// </summary>
public abstract class ProcessGroupAttackTests(EngineFixture engine)
{
    /// <summary>A run that never answers fails the test instead of hanging the suite.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    /// <summary>Exits 99 unless the code runs as pid 2 under Warden's helper: never attack the host.</summary>
    private const string InSandbox = """
        import os, signal, sys, time
        if os.getpid() != 2 or not open('/proc/1/cmdline').read().startswith('/.warden/helper'):
            sys.exit(99)

        """;

    private async Task<(RunResult Result, string Marker, TimeSpan Elapsed)> Python(string code, int timeoutMs = 10_000, IReadOnlyList<string>? collect = null)
    {
        var sw = Stopwatch.StartNew();
        var (r, marker) = await engine.RunAsync("python", code, new LimitsRequest { TimeoutMs = timeoutMs }, collect: collect).WaitAsync(Hang);
        Assert.NotEqual(99, r.ExitCode); // the attack did not run: not in a sandbox
        return (r, marker, sw.Elapsed);
    }

    /// <summary>The fast path's zygote serving standard-library runs with this fixture (null on the cold path).</summary>
    private PythonZygote? Zygote => engine.IsZygote ? engine.Backend.ZygotePool!.Standard ?? engine.Backend.ZygotePool!.Scientific : null;

    /// <summary>
    /// One tenant's run sleeps 3 s; a second later another tenant's run attacks. The sleeper must
    /// finish with its own result, the zygote must live on, the next run must be served, and
    /// nothing of either run may be left.
    /// </summary>
    private async Task<(RunResult Attacker, TimeSpan Elapsed)> AttackBesideASleeperAsync(string attack, int attackerTimeoutMs)
    {
        var zygote = Zygote;
        var victim = Python("import time\ntime.sleep(3)\nprint(1)");
        await Task.Delay(1000);
        var (a, attackerMarker, elapsed) = await Python(InSandbox + attack, attackerTimeoutMs);
        var (v, victimMarker, _) = await victim;
        Assert.True(v.Reason == RunReason.Exited && v.ExitCode == 0 && v.Stdout == "1\n",
            $"the other tenant's run was hit: reason {v.Reason}, exit {v.ExitCode}, signal {v.Signal}, stdout '{v.Stdout}', error {v.Message}");
        if (zygote is not null)
        {
            Assert.True(zygote.Alive, "the zygote did not survive the attack");
            Assert.Same(zygote, Zygote);
        }
        Leftovers.AssertNone(engine.Backend, attackerMarker);
        Leftovers.AssertNone(engine.Backend, victimMarker);
        var (next, nextMarker, _) = await Python("print(2)");
        Assert.Equal("2\n", next.Stdout);
        Leftovers.AssertNone(engine.Backend, nextMarker);
        return (a, elapsed);
    }

    [Fact]
    public async Task Run_KillZeroSigkill_KillsOnlyItsOwnRun()
    {
        var (a, _) = await AttackBesideASleeperAsync("os.kill(0, signal.SIGKILL)\nprint('survived')", 10_000);
        Assert.Equal(RunReason.Signaled, a.Reason);
        Assert.Equal("SIGKILL", a.Signal);
        Assert.Equal("", a.Stdout);
    }

    [Fact]
    public async Task Run_KillpgOfItsOwnGroup_KillsOnlyItsOwnRun()
    {
        var (a, _) = await AttackBesideASleeperAsync("os.killpg(os.getpgrp(), signal.SIGKILL)\nprint('survived')", 10_000);
        Assert.Equal(RunReason.Signaled, a.Reason);
        Assert.Equal("SIGKILL", a.Signal);
    }

    [Theory]
    [InlineData("SIGSTOP")]
    [InlineData("SIGTSTP")]
    public async Task Run_KillZeroStop_FreezesOnlyItselfAndEndsAtItsTimeout(string signal)
    {
        const int limit = 2_000;
        var (a, elapsed) = await AttackBesideASleeperAsync($"os.kill(0, signal.{signal})\ntime.sleep(30)", limit);
        Assert.Equal(RunReason.Timeout, a.Reason);
        Assert.True(a.WallMs <= limit + 1_000, $"a {limit} ms timeout answered after {a.WallMs} ms");
        Assert.True(elapsed < TimeSpan.FromMilliseconds(limit + 3_000), $"the call took {elapsed}");
    }

    [Fact]
    public async Task Run_SetpriorityOfItsGroup_RenicesNothingOutsideItsRun()
    {
        // (When the group held processes it may not renice, the call fails after renicing the rest.)
        var (a, marker, _) = await Python(InSandbox + "try:\n    os.setpriority(os.PRIO_PGRP, 0, 19)\nexcept OSError as e:\n    print('partly', e.errno)\nprint(os.getpriority(os.PRIO_PROCESS, 0))");
        Assert.Equal(RunReason.Exited, a.Reason);
        Assert.EndsWith("19\n", a.Stdout); // the attack itself worked, on its own group
        Leftovers.AssertNone(engine.Backend, marker);
        // Nothing that serves other runs was reniced: not the zygote's processes (its reaper and
        // namespace factory included), not a prepared child, not a run started afterwards.
        if (Zygote is { } zygote)
        {
            foreach (var pid in zygote.Sandbox.CgroupPids()) Assert.True(Nice(pid) is 0 or null, $"zygote process {pid} has nice {Nice(pid)}");
            foreach (var dir in engine.Backend.LongLivedCgroups().SelectMany(n => engine.Backend.HostCgroupLeftovers().Where(d => Path.GetFileName(d) == n)))
                foreach (var pid in Warden.Linux.Cgroups.CgroupFs.ReadPids(Path.Combine(dir, "cgroup.procs")))
                    Assert.True(Nice(pid) is 0 or null, $"process {pid} of {Path.GetFileName(dir)} has nice {Nice(pid)}");
        }
        for (var i = 0; i < 3; i++)
        {
            var (n, nextMarker, _) = await Python("import os\nprint(os.getpriority(os.PRIO_PROCESS, 0))");
            Assert.Equal("0\n", n.Stdout);
            Leftovers.AssertNone(engine.Backend, nextMarker);
        }
    }

    /// <summary>The nice value of a host process (field 19 of /proc/PID/stat), null when it is gone.</summary>
    private static int? Nice(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture); // field 19: state is field 3
        }
        catch (IOException)
        {
            return null;
        }
    }

    private const string ForgeCollectRecords = """
        for name in (b'../../etc/pwn', b'/etc/evil', b'../../../x/y', b'a/../../b', b'./c', b'd//e'):
            for record in (b'F 6 %d\n' % len(name) + name + b'PWNED!', b'T 6 %d\n' % len(name) + name):
                try:
                    os.write(4, record)
                except OSError:
                    pass
        open('out.txt', 'w').write('real')
        print('sent')
        """;

    [Fact]
    public async Task Run_ForgedCollectRecords_WithoutCollect_ReturnNoFiles()
    {
        var (r, marker, _) = await Python(InSandbox + ForgeCollectRecords);
        Assert.Equal("sent\n", r.Stdout);
        Assert.Equal(0, r.ExitCode);
        Assert.True(r.Files.Count == 0, "files returned unasked: " + string.Join(", ", r.Files.Select(f => f.Path)));
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_ForgedCollectRecords_WithCollect_ReturnOnlyWorkspaceFiles()
    {
        var (r, marker, _) = await Python(InSandbox + ForgeCollectRecords, collect: ["*.txt"]);
        Assert.Equal(0, r.ExitCode);
        var file = Assert.Single(r.Files);
        Assert.Equal("out.txt", file.Path);
        Assert.Equal("real", Encoding.UTF8.GetString(Convert.FromBase64String(file.ContentBase64!)));
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Theory]
    [InlineData("4096")]
    [InlineData("-9")]
    [InlineData("256")]
    [InlineData("+5")]
    [InlineData("99999999999")]
    [InlineData("0x10")]
    public async Task Run_ForgedExitRecordOutOfRange_ReportsTheRealExitCode(string forged)
    {
        var (r, marker, _) = await Python(InSandbox + $"""
            try:
                os.write(4, b'Q {forged}\n')
                os.close(4)
            except OSError:
                pass
            sys.exit(7)
            """);
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Equal(7, r.ExitCode);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    /// <summary>
    /// Two tenants at once: one's runs attack through their process group in a loop (kill(0, …) with
    /// SIGKILL, SIGSTOP and SIGTSTP, killpg, setpriority, kill(-1)); the other's runs must all succeed
    /// with their exact results, every attacker's timeout must hold within 1 s, and nothing may be left.
    /// </summary>
    [Fact]
    public async Task Concurrent_ProcessGroupAttacks_DoNotDisturbAnotherTenant()
    {
        const int limit = 1_500;
        (string Code, RunReason Expected)[] attacks =
        [
            ("os.kill(0, signal.SIGKILL)\ntime.sleep(30)", RunReason.Signaled),
            ("os.kill(0, signal.SIGSTOP)\ntime.sleep(30)", RunReason.Timeout),
            ("os.kill(0, signal.SIGTSTP)\ntime.sleep(30)", RunReason.Timeout),
            ("os.killpg(os.getpgrp(), signal.SIGKILL)\ntime.sleep(30)", RunReason.Signaled),
            ("os.setpriority(os.PRIO_PGRP, 0, 19)\nprint('reniced')", RunReason.Exited),
            ("import subprocess\np = subprocess.Popen(['/bin/sleep', '30'])\ntime.sleep(0.1)\nos.kill(-1, signal.SIGKILL)\nprint('alive', p.wait())", RunReason.Exited),
        ];
        var zygote = Zygote;
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var markers = new List<string>();

        async Task Attacker()
        {
            try
            {
                for (var round = 0; round < 2; round++)
                    foreach (var (code, expected) in attacks)
                    {
                        var (r, marker, _) = await Python(InSandbox + code, limit);
                        lock (markers) markers.Add(marker);
                        if (r.Reason != expected) lock (failures) failures.Add($"attack '{code.Split('\n')[0]}': {r.Reason} (exit {r.ExitCode}, signal {r.Signal}, {r.Message}), expected {expected}");
                        if (r.Reason == RunReason.Timeout && r.WallMs > limit + 1_000) lock (failures) failures.Add($"a {limit} ms timeout answered after {r.WallMs} ms");
                    }
            }
            finally
            {
                await stop.CancelAsync();
            }
        }

        async Task<int> Tenant()
        {
            var served = 0;
            while (!stop.IsCancellationRequested)
            {
                var n = Random.Shared.Next(1000, 100_000);
                var (r, marker, _) = await Python($"import time\ntime.sleep(0.2)\nprint(sum(range({n})))");
                lock (markers) markers.Add(marker);
                if (r.Reason != RunReason.Exited || r.ExitCode != 0 || r.Stdout != $"{(long)n * (n - 1) / 2}\n")
                    lock (failures) failures.Add($"tenant run: {r.Reason} exit {r.ExitCode} signal {r.Signal} stdout '{r.Stdout}' {r.Message}");
                served++;
            }
            return served;
        }

        var tenant = Tenant();
        await Attacker();
        var served = await tenant;
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(served >= 3, $"only {served} runs of the other tenant were served");
        if (zygote is not null) Assert.True(zygote.Alive && ReferenceEquals(zygote, Zygote), "the zygote did not survive");
        foreach (var marker in markers) Leftovers.AssertNone(engine.Backend, marker);
    }
}

/// <summary>The suite on the cold path: a fresh bubblewrap sandbox per run (bubblewrap gives each a new session).</summary>
[Collection(EngineCollection.Name)]
public sealed class ProcessGroupAttackTestsOnColdPath(EngineFixture engine) : ProcessGroupAttackTests(engine);

/// <summary>The suite on the standard zygote's prepared children.</summary>
[Collection(EngineCollection.Name)]
public sealed class ProcessGroupAttackTestsOnZygotePath(ZygoteEngineFixture engine) : ProcessGroupAttackTests(engine);

/// <summary>The suite on the scientific zygote's prepared children.</summary>
[Collection(EngineCollection.Name)]
public sealed class ProcessGroupAttackTestsOnScientificZygotePath(ScientificZygoteEngineFixture engine) : ProcessGroupAttackTests(engine);

/// <summary>
/// The zygote paths only: the zygote itself stops answering (stopped from the host, as a job's
/// kill(0, SIGSTOP) did before each job had its own session). Runs must still end at their
/// deadlines, and the pool must replace the zygote.
/// </summary>
public abstract class StoppedZygoteTests(ZygoteEngineFixture engine)
{
    [Fact]
    public async Task Run_WhileTheZygoteIsStopped_EndsAtItsTimeoutAndThePoolReplacesTheZygote()
    {
        var pool = engine.Backend.ZygotePool!;
        var (warm, warmMarker) = await engine.RunAsync("python", "print('warm')");
        Assert.Equal("warm\n", warm.Stdout);
        Leftovers.AssertNone(engine.Backend, warmMarker);
        var zygote = pool.Standard ?? pool.Scientific!;
        var stopped = zygote.Sandbox.CgroupPids();
        Assert.NotEmpty(stopped);
        foreach (var pid in stopped) Warden.Linux.Native.Libc.kill(pid, 19 /* SIGSTOP */);

        const int limit = 2_000;
        var sw = Stopwatch.StartNew();
        var (r, marker) = await engine.RunAsync("python", "import time\ntime.sleep(30)", new LimitsRequest { TimeoutMs = limit }).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(RunReason.Timeout, r.Reason);
        Assert.True(r.WallMs <= limit + 1_000, $"a {limit} ms timeout answered after {r.WallMs} ms");
        Assert.True(sw.Elapsed < TimeSpan.FromMilliseconds(limit + 3_000), $"the call took {sw.Elapsed}");
        Assert.False(zygote.Alive, "a stopped zygote was kept in service");

        // The next run gets a new zygote (the fixture waits for it), and the stopped one is gone.
        var (next, nextMarker) = await engine.RunAsync("python", "print('next')").WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal("next\n", next.Stdout);
        Assert.NotSame(zygote, pool.Standard ?? pool.Scientific);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (zygote.Running && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(zygote.Running, "the stopped zygote was not disposed");
        // Its processes, stopped or not, were killed (the kernel may still be tearing them down).
        static bool Live(int pid)
        {
            try { return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal); }
            catch (IOException) { return false; }
        }
        while (stopped.Any(Live) && DateTime.UtcNow < deadline.AddSeconds(10)) await Task.Delay(50);
        Assert.True(!stopped.Any(Live), "processes of the stopped zygote are still there: " + string.Join(", ", stopped.Where(Live)));
        Leftovers.AssertNone(engine.Backend, marker);
        Leftovers.AssertNone(engine.Backend, nextMarker);
    }
}

/// <summary>On the standard zygote.</summary>
[Collection(EngineCollection.Name)]
public sealed class StoppedZygoteTestsOnZygotePath(ZygoteEngineFixture engine) : StoppedZygoteTests(engine);

/// <summary>On the scientific zygote.</summary>
[Collection(EngineCollection.Name)]
public sealed class StoppedZygoteTestsOnScientificZygotePath(ScientificZygoteEngineFixture engine) : StoppedZygoteTests(engine);

/// <summary>
/// Prepared node sandboxes (children of the standard zygote that exec'd node ahead of the
/// request): the same process-group attacks from JavaScript.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class ProcessGroupAttackTestsOnPreparedNode(ZygoteEngineFixture engine)
{
    /// <summary>Exits 99 unless the code runs as pid 2 under Warden's helper.</summary>
    private const string InSandbox = """
        const fs = require('fs');
        if (process.pid !== 2 || !fs.readFileSync('/proc/1/cmdline', 'utf8').startsWith('/.warden/helper')) process.exit(99);

        """;

    private async Task EnsurePreparedAsync()
    {
        var pool = engine.Backend.ZygotePool!;
        if (pool.PreparedNodeCount == 0) await engine.RunAsync("javascript", "console.log('seed')");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (pool.PreparedNodeCount == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(pool.PreparedNodeCount > 0, "no node sandbox was prepared: " + pool.LastFallback);
    }

    private async Task<RunResult> AttackBesideASleeperAsync(string attack, int timeoutMs)
    {
        await EnsurePreparedAsync();
        var zygote = engine.Backend.ZygotePool!.Standard!;
        var victim = engine.RunAsync("python", "import time\ntime.sleep(3)\nprint(1)").WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(1000);
        var (a, attackerMarker) = await engine.RunAsync("javascript", InSandbox + attack, new LimitsRequest { TimeoutMs = timeoutMs }).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("node-prepared", a.Path);
        Assert.NotEqual(99, a.ExitCode);
        var (v, victimMarker) = await victim;
        Assert.True(v.Reason == RunReason.Exited && v.Stdout == "1\n", $"the other tenant's run was hit: {v.Reason}, signal {v.Signal}, stdout '{v.Stdout}', {v.Message}");
        Assert.True(zygote.Alive, "the zygote did not survive the attack");
        Leftovers.AssertNone(engine.Backend, attackerMarker);
        Leftovers.AssertNone(engine.Backend, victimMarker);
        return a;
    }

    [Fact]
    public async Task PreparedNode_KillZeroSigkill_KillsOnlyItsOwnRun()
    {
        var a = await AttackBesideASleeperAsync("process.kill(0, 'SIGKILL'); console.log('survived');", 10_000);
        Assert.Equal(RunReason.Signaled, a.Reason);
        Assert.Equal("SIGKILL", a.Signal);
    }

    [Fact]
    public async Task PreparedNode_KillZeroSigstop_FreezesOnlyItselfAndEndsAtItsTimeout()
    {
        const int limit = 2_000;
        var a = await AttackBesideASleeperAsync("process.kill(0, 'SIGSTOP'); setTimeout(() => {}, 30000);", limit);
        Assert.Equal(RunReason.Timeout, a.Reason);
        Assert.True(a.WallMs <= limit + 1_000, $"a {limit} ms timeout answered after {a.WallMs} ms");
    }

    [Fact]
    public async Task PreparedNode_SetpriorityOfItsGroup_RenicesNothingOutsideItsRun()
    {
        // node has no PRIO_PGRP call; a child in the run's process group makes it.
        var a = await AttackBesideASleeperAsync(
            "require('child_process').execFileSync('/usr/bin/python3', ['-c', 'import os; os.setpriority(os.PRIO_PGRP, 0, 19)']); console.log(require('os').getPriority());", 10_000);
        Assert.Equal("19\n", a.Stdout);
        foreach (var pid in engine.Backend.ZygotePool!.Standard!.Sandbox.CgroupPids())
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            Assert.Equal("0", stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]);
        }
        var (n, marker) = await engine.RunAsync("python", "import os\nprint(os.getpriority(os.PRIO_PROCESS, 0))");
        Assert.Equal("0\n", n.Stdout);
        await EnsurePreparedAsync();
        var (js, jsMarker) = await engine.RunAsync("javascript", "console.log(require('os').getPriority())");
        Assert.Equal("node-prepared", js.Path);
        Assert.Equal("0\n", js.Stdout);
        Leftovers.AssertNone(engine.Backend, marker);
        Leftovers.AssertNone(engine.Backend, jsMarker);
    }
}
