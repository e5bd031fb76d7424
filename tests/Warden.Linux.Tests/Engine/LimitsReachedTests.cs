using Warden.Execution;
using Warden.Policy;
using Warden.TestSupport;
using Warden.Tests;

namespace Warden.Linux.Tests.Engine;

/// <summary>
/// limitsReached, read from the sandbox's own counters: a limit the program hit is listed even
/// when the program recovered and exited 0, and the reason stays why the program ended. The
/// cold path (every language) here; the Python fast path in <see cref="FastPathLimitsReachedTests"/>.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class LimitsReachedTests(EngineFixture engine)
{
    internal const string ForkLoopThenExitZero = "import os\nwhile True:\n    try:\n        if os.fork() == 0:\n            os._exit(0)\n    except OSError:\n        break\nprint('recovered')";
    internal const string ChildOomKilledParentExitsZero = "import subprocess, sys\nr = subprocess.run([sys.executable, '-c', 'b = bytearray(400 << 20)'])\nprint('child', r.returncode)";
    internal const string FillTheWorkspace = "try:\n    with open('/workspace/fill', 'wb') as f:\n        while True:\n            f.write(b'x' * 65536)\nexcept OSError as e:\n    print('full', e.errno)";

    [Fact]
    public async Task Run_Print_ReachesNoLimit()
    {
        var (r, marker) = await engine.RunAsync("python", "print(1)");
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Empty(r.LimitsReached);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_BashForkBombThatExitsZero_StaysExitedButListsPids()
    {
        // The example: the bomb's forks fail at the task limit, the script carries on and ends normally.
        var (r, marker) = await engine.RunAsync("bash", ":(){ :|:& };:; sleep 2", new LimitsRequest { Pids = 32, TimeoutMs = 60_000 });
        Assert.True(r.Reason == RunReason.Exited, $"{r.Reason}: {r.Message} {r.Stderr[..Math.Min(300, r.Stderr.Length)]}");
        Assert.Contains("pids", r.LimitsReached);
        Assert.Equal("cold", r.Path);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_PythonForkLoopThatRecovers_ListsPids()
    {
        var (r, marker) = await engine.RunAsync("python", ForkLoopThenExitZero, new LimitsRequest { Pids = 32 });
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("recovered\n", r.Stdout);
        // A fork loop may also spend its CPU quota on a loaded host (then cpu-throttled is true as well).
        Assert.Equal(["pids"], r.LimitsReached.Where(l => l != "cpu-throttled"));
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_ChildOomKilledWhileParentExitsZero_ListsMemory()
    {
        var (r, marker) = await engine.RunAsync("python", ChildOomKilledParentExitsZero, new LimitsRequest { MemoryMb = 128 });
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("child -9\n", r.Stdout);
        Assert.Contains("memory", r.LimitsReached);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_WorkspaceFilledToItsSize_ListsDisk()
    {
        var (r, marker) = await engine.RunAsync("python", FillTheWorkspace, new LimitsRequest { DiskMb = 8 });
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Equal("full 28\n", r.Stdout); // ENOSPC: the tmpfs, not the file-size rlimit
        Assert.Contains("disk", r.LimitsReached);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_TruncatedOutput_ListsOutput()
    {
        var (r, marker) = await engine.RunAsync("bash", "head -c 50000 /dev/zero | tr '\\0' x", new LimitsRequest { OutputBytes = 2048 });
        Assert.Contains("output", r.LimitsReached);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_BusyChildrenOverATinyCpuQuota_ListsCpuThrottled()
    {
        var (r, marker) = await engine.RunAsync("bash", "for i in 1 2; do (while :; do :; done) & done; sleep 2; kill %1 %2",
            new LimitsRequest { Cpus = 0.1, TimeoutMs = 60_000 });
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Contains("cpu-throttled", r.LimitsReached);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_CompiledLanguage_CompileStepCarriesItsOwnList()
    {
        var (r, marker) = await engine.RunAsync("c", "#include <stdio.h>\nint main(void){ puts(\"hi\"); return 0; }", new LimitsRequest { TimeoutMs = 60_000 });
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.NotNull(r.Compile);
        Assert.NotNull(r.Compile!.LimitsReached);
        Assert.DoesNotContain("pids", r.Compile.LimitsReached);
        Assert.Empty(r.LimitsReached);
        Leftovers.AssertNone(engine.Backend, marker);
    }
}

/// <summary>limitsReached on the Python fast path (a prepared zygote child).</summary>
[Collection(EngineCollection.Name)]
public sealed class FastPathLimitsReachedTests(ZygoteEngineFixture engine)
{
    [Fact]
    public async Task Run_Print_ReachesNoLimit()
    {
        var (r, marker) = await engine.RunAsync("python", "print(1)");
        Assert.Equal("zygote", r.Path);
        Assert.Empty(r.LimitsReached);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_ForkLoopThatRecovers_ListsPids()
    {
        var (r, marker) = await engine.RunAsync("python", LimitsReachedTests.ForkLoopThenExitZero);
        Assert.Equal("zygote", r.Path);
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("recovered\n", r.Stdout);
        // A fork loop may also spend its CPU quota on a loaded host (then cpu-throttled is true as well).
        Assert.Equal(["pids"], r.LimitsReached.Where(l => l != "cpu-throttled"));
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_ChildOomKilledWhileParentExitsZero_ListsMemory()
    {
        var (r, marker) = await engine.RunAsync("python", LimitsReachedTests.ChildOomKilledParentExitsZero, new LimitsRequest { MemoryMb = 128 });
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Equal("child -9\n", r.Stdout);
        Assert.Contains("memory", r.LimitsReached);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_WorkspaceFilledToItsSize_ListsDisk()
    {
        var (r, marker) = await engine.RunAsync("python", LimitsReachedTests.FillTheWorkspace, new LimitsRequest { DiskMb = 8 });
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Equal("full 28\n", r.Stdout);
        Assert.Contains("disk", r.LimitsReached);
        Leftovers.AssertNone(engine.Backend, marker);
    }
}
