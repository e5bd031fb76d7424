using System.Diagnostics;
using Warden.Execution;
using Warden.Policy;
using Warden.TestSupport;
using Warden.Tests;

namespace Warden.Escape.Tests;

/// <summary>
/// Attacks on the limits: fork and memory bombs, spinners, sleepers, daemons, disk and output
/// floods. Each runs only inside the sandbox under test; each ends by proving that nothing is
/// left behind (no process, no cgroup, no temporary directory).
/// </summary>
public abstract class ResourceAttackTests(EngineFixture engine)
{
    [Fact]
    public async Task Run_ForkBomb_IsStoppedAtPidLimitAndHostStaysResponsive()
    {
        const string bomb = """
            import os, time
            n = 0
            try:
                while True:
                    if os.fork() == 0:
                        time.sleep(60)
                        os._exit(0)
                    n += 1
            except OSError as e:
                print("stopped after", n, "errno", e.errno, flush=True)
                raise SystemExit(3)
            """;
        var run = engine.RunAsync("python", bomb, new LimitsRequest { Pids = 32, TimeoutMs = 20_000 });
        // While the bomb runs, the host must still start processes promptly.
        var sw = Stopwatch.StartNew();
        using (var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!) await p.WaitForExitAsync();
        Assert.True(sw.ElapsedMilliseconds < 5_000, $"host took {sw.ElapsedMilliseconds} ms to start /bin/true");

        var (r, marker) = await run;
        Assert.Equal(RunReason.Pids, r.Reason);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("stopped after", r.Stdout);
        var forked = int.Parse(r.Stdout.Split(' ')[2]);
        Assert.InRange(forked, 1, 32);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_ShellForkBomb_EndsWithPidsReasonAndNothingLeft()
    {
        var (r, marker) = await engine.RunAsync("bash", ":(){ :|:& };: ; sleep 30", new LimitsRequest { Pids = 32, TimeoutMs = 3_000 });
        Assert.Equal(RunReason.Pids, r.Reason);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_MemoryBomb_EndsWithMemoryReason()
    {
        const string bomb = """
            chunks = []
            while True:
                chunks.append(bytearray(16 * 1024 * 1024))
            """;
        var (r, marker) = await engine.RunAsync("python", bomb, new LimitsRequest { MemoryMb = 64, TimeoutMs = 20_000 });
        Assert.Equal(RunReason.Memory, r.Reason);
        Assert.Equal("SIGKILL", r.Signal);
        Assert.Null(r.ExitCode);
        Assert.InRange(r.PeakMemoryBytes, 32L << 20, 65L << 20);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_CpuSpinner_IsKilledAtTimeout()
    {
        var sw = Stopwatch.StartNew();
        var (r, marker) = await engine.RunAsync("python", "while True: pass", new LimitsRequest { TimeoutMs = 1_500 });
        Assert.Equal(RunReason.Timeout, r.Reason);
        Assert.InRange(r.WallMs, 1_400, 4_000);
        Assert.True(sw.ElapsedMilliseconds < 6_000);
        Assert.InRange(r.CpuMs, 500, 3_000);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_CpuQuota_HoldsTwoSpinningThreadsToHalfACore()
    {
        const string spin = """
            import threading, time
            def spin():
                end = time.time() + 1.5
                while time.time() < end: pass
            ts = [threading.Thread(target=spin) for _ in range(2)]
            [t.start() for t in ts]; [t.join() for t in ts]
            """;
        var (r, marker) = await engine.RunAsync("python", spin, new LimitsRequest { Cpus = 0.5, TimeoutMs = 10_000 });
        Assert.Equal(RunReason.Exited, r.Reason);
        // 1.5 s of wall time at half a core is at most ~0.75 s of CPU (+ start-up slack).
        Assert.True(r.CpuMs < 1_100, $"cpuMs {r.CpuMs}");
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_SleepPastTimeout_IsKilled()
    {
        var (r, marker) = await engine.RunAsync("sh", "sleep 30", new LimitsRequest { TimeoutMs = 2_000 });
        Assert.Equal(RunReason.Timeout, r.Reason);
        Assert.InRange(r.WallMs, 1_900, 6_000);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_DoubleForkedSetsidDaemon_IsDeadAfterTheRun()
    {
        const string daemon = """
            import os, time, sys
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.close(0); os.close(1); os.close(2)
                    time.sleep(120)
                    os._exit(0)
                os._exit(0)
            time.sleep(0.3)
            print("parent done")
            """;
        var (r, marker) = await engine.RunAsync("python", daemon);
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Equal("parent done\n", r.Stdout);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_DaemonOutlivingTimeout_IsDeadAfterTheRun()
    {
        var (r, marker) = await engine.RunAsync("bash", "(setsid sleep 300 &) ; (nohup sleep 300 >/dev/null 2>&1 &) ; sleep 300", new LimitsRequest { TimeoutMs = 2_000 });
        Assert.Equal(RunReason.Timeout, r.Reason);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_FillingTheDisk_FailsCleanlyInsideTheWorkspaceLimit()
    {
        const string fill = """
            import os
            written = 0
            try:
                with open("/workspace/big", "wb") as f:
                    while True:
                        f.write(b"x" * (1 << 20)); f.flush(); written += 1
            except OSError as e:
                print("stopped at", written, "MiB", e.errno)
            try:
                with open("/tmp/big", "wb") as f:
                    f.write(b"y" * (40 << 20))
            except OSError as e:
                print("tmp stopped", e.errno)
            """;
        var before = new DriveInfo("/").AvailableFreeSpace;
        var (r, marker) = await engine.RunAsync("python", fill, new LimitsRequest { DiskMb = 16, MemoryMb = 256 });
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Contains("stopped at", r.Stdout);
        var mib = int.Parse(r.Stdout.Split(' ')[2]);
        Assert.InRange(mib, 10, 16);
        Assert.Contains("tmp stopped", r.Stdout);
        // ENOSPC (28) from the tmpfs or EFBIG (27) from RLIMIT_FSIZE: both stop at the limit.
        Assert.Matches(@"stopped at \d+ MiB (27|28)", r.Stdout);
        var after = new DriveInfo("/").AvailableFreeSpace;
        Assert.True(before - after < 8L << 20, "the host's disk lost space to the sandbox");
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_HundredMegabytesOfOutput_IsTruncatedAndWardenMemoryStaysBounded()
    {
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var (r, marker) = await engine.RunAsync("python",
            "import sys\nchunk = 'x' * 65536\nfor _ in range(1600): sys.stdout.write(chunk)\n",
            new LimitsRequest { OutputBytes = 1 << 20, TimeoutMs = 20_000 });
        Assert.Equal(RunReason.OutputLimit, r.Reason);
        Assert.True(r.StdoutTruncated);
        Assert.Equal(1 << 20, r.Stdout.Length);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - before < 32L << 20, $"Warden's heap grew by {(after - before) >> 20} MiB");
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_Cancelled_KillsAndReapsBeforeThrowing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(800));
        var marker = Guid.NewGuid().ToString("N");
        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.Runner.RunAsync(new RunRequest
        {
            Language = "bash",
            Code = "(setsid sleep 300 &); sleep 300",
            Env = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
        }, cts.Token));
        Assert.True(sw.ElapsedMilliseconds < 5_000);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Stream_ConsumerStopsEarly_RunIsKilledAndNothingLeft()
    {
        var marker = Guid.NewGuid().ToString("N");
        var request = new RunRequest
        {
            Language = "python",
            Code = "import time\nwhile True:\n    print('tick', flush=True)\n    time.sleep(0.05)\n",
            Env = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
        };
        var seen = 0;
        await foreach (var e in engine.Runner.StreamAsync(request))
            if (e is RunOutput { Stream: "stdout" } && ++seen == 3) break;
        Assert.Equal(3, seen);
        Leftovers.AssertNone(engine.Backend, marker);
    }
}

/// <summary>The suite on the cold path: a fresh bubblewrap sandbox per run.</summary>
[Collection(EngineCollection.Name)]
public sealed class ResourceAttackTestsOnColdPath(EngineFixture engine) : ResourceAttackTests(engine);

/// <summary>The suite with Python on the fast path: prepared zygote children (the standard zygote for what imports only the standard library).</summary>
[Collection(EngineCollection.Name)]
public sealed class ResourceAttackTestsOnZygotePath(ZygoteEngineFixture engine) : ResourceAttackTests(engine);

/// <summary>The suite with Python on the scientific zygote's children (numpy, pandas, matplotlib already imported).</summary>
[Collection(EngineCollection.Name)]
public sealed class ResourceAttackTestsOnScientificZygotePath(ScientificZygoteEngineFixture engine) : ResourceAttackTests(engine);
