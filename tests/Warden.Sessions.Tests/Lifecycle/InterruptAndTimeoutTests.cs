using System.Diagnostics;
using Warden.Policy;
using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Lifecycle;

/// <summary>Interrupt, per-cell timeout (interrupt, then kill), and resource attacks inside a cell.</summary>
[Collection(SessionCollection.Name)]
public sealed class InterruptAndTimeoutTests(EngineFixture engine)
{
    [Theory]
    [InlineData("while True: pass")]
    [InlineData("import time\ntime.sleep(300)")]
    [InlineData("x = 0\nwhile True:\n    x += 1")]
    public async Task Interrupt_StopsABusyCellWithinASecond_AndTheSessionKeepsItsState(string loop)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "state = 'kept'");
        var cell = h.RunAsync(s.Id, loop);
        await WaitForStateAsync(h, s.Id, SessionState.Busy);
        await Task.Delay(200);
        var sw = Stopwatch.StartNew();
        await h.Manager.InterruptAsync(s.Id, SessionHarness.Owner);
        var r = await cell.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), $"the cell stopped {sw.ElapsedMilliseconds} ms after the interrupt");
        Assert.Equal(CellStatus.Error, r.Status);
        Assert.Equal(CellReason.Interrupted, r.Reason);
        Assert.Equal("KeyboardInterrupt", r.Error()!.Ename);
        Assert.Equal("'kept'", (await h.RunAsync(s.Id, "state")).Text());
        Assert.Equal(SessionState.Idle, h.Manager.Get(s.Id)!.State);
    }

    [Theory]
    [InlineData("def spin():\n    print('go', flush=True)\n    while True: pass\nspin()")]
    [InlineData("import time\ndef spin():\n    print('go', flush=True)\n    time.sleep(300)\nspin()")]
    [InlineData("import sys\ndef spin():\n    print('go', flush=True)\n    while True: sys.stdout.write('x' * 100)\nspin()")]
    public async Task Interrupt_Traceback_ShowsTheCellsFrames_AndNoFrameOfTheKernel(string code)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        // Interrupted once the cell's own code runs (spin's first output is there), whatever the machine's load.
        async Task<CellResult> RunAndInterruptAsync()
        {
            var interrupted = false;
            await foreach (var e in h.Manager.ExecuteAsync(s.Id, SessionHarness.Owner, new CellRequest { Code = code }))
            {
                if (e is CellCompletedEvent done) return done.Result;
                if (!interrupted)
                {
                    interrupted = true;
                    await h.Manager.InterruptAsync(s.Id, SessionHarness.Owner);
                }
            }
            throw new InvalidOperationException("no result");
        }
        var r = await RunAndInterruptAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var error = r.Error()!;
        Assert.Equal("KeyboardInterrupt", error.Ename);
        var text = string.Join("\n", error.Traceback);
        Assert.Contains("in spin", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<warden-kernel>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("_on_sigint", text, StringComparison.Ordinal);
        Assert.Equal("KeyboardInterrupt", error.Traceback[^1]);
        // The per-cell timeout's interrupt: the same.
        var timedOut = (await h.RunAsync(s.Id, "def spin():\n    while True: pass\nspin()", timeoutMs: 1000)).Error()!;
        Assert.DoesNotContain("<warden-kernel>", string.Join("\n", timedOut.Traceback), StringComparison.Ordinal);
        Assert.Contains("in spin", string.Join("\n", timedOut.Traceback), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interrupt_WhenIdle_DoesNothing()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "y = 5");
        await h.Manager.InterruptAsync(s.Id, SessionHarness.Owner);
        await Task.Delay(100);
        Assert.Equal("5", (await h.RunAsync(s.Id, "y")).Text());
    }

    [Fact]
    public async Task Timeout_InterruptsTheCell_AndTheSessionLivesOn()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "z = 7");
        var r = await h.RunAsync(s.Id, "while True: pass", timeoutMs: 300);
        Assert.Equal(CellStatus.Error, r.Status);
        Assert.Equal(CellReason.Timeout, r.Reason);
        Assert.Equal("7", (await h.RunAsync(s.Id, "z")).Text());
    }

    [Fact]
    public async Task Timeout_CellIgnoringTheInterrupt_IsKilledAndTheSessionReportedLost()
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, InterruptGrace = TimeSpan.FromMilliseconds(500) });
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass", timeoutMs: 300);
        Assert.Equal(CellStatus.Lost, r.Status);
        Assert.Equal(CellReason.Timeout, r.Reason);
        var info = h.Manager.Get(s.Id)!;
        Assert.Equal(SessionState.Lost, info.State);
        Assert.Equal(SessionEndReason.Timeout, info.Reason);
        // Never silently restarted: the next cell is refused.
        var ex = await Assert.ThrowsAsync<SessionEndedException>(() => h.RunAsync(s.Id, "1"));
        Assert.Equal("session-ended", ex.Code);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task MemoryBomb_EndsTheSessionWithReasonMemory_AndTheManagerReportsIt()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(limits: new LimitsRequest { MemoryMb = 96 });
        var r = await h.RunAsync(s.Id, "x = []\nwhile True: x.append(b'x' * (1 << 24))");
        Assert.Equal(CellStatus.Lost, r.Status);
        Assert.Equal(CellReason.Memory, r.Reason);
        var info = h.Manager.Get(s.Id)!;
        Assert.Equal(SessionState.Lost, info.State);
        Assert.Equal(SessionEndReason.Memory, info.Reason);
        Assert.Contains("memory", info.Message, StringComparison.Ordinal);
        Assert.Contains(h.Manager.List(SessionHarness.Owner), i => i.Id == s.Id && i.Reason == SessionEndReason.Memory);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task ForkBomb_StopsAtThePidsLimit_AndLeavesNothingBehind()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(limits: new LimitsRequest { Pids = 32 });
        var r = await h.RunAsync(s.Id, "import os\nwhile True:\n    os.fork()", timeoutMs: 20_000);
        // The kernel's own fork fails at the limit (BlockingIOError) and its forked copies exit; or, if
        // the limit starved the kernel itself, the session is lost with reason pids. Either way it stops.
        Assert.True(r.Status == CellStatus.Error && r.Error()!.Ename == "BlockingIOError"
            || r.Status == CellStatus.Lost && r.Reason == CellReason.Pids, r.Describe());
        if (r.Status == CellStatus.Error)
        {
            // The bomb's copies all end: only the sandbox's pid 1 and the kernel remain.
            // The bomb's copies all end (as zombies until user code waits for them, as in Jupyter):
            // nothing runs but the sandbox's pid 1 and the kernel.
            Assert.Equal(0, await WaitForOtherLiveProcessCountAsync(h, s.Id, 0));
        }
        await h.Manager.KillAsync(s.Id, SessionHarness.Owner);
        h.AssertNothingLeft();
    }

    private static async Task<int> WaitForOtherLiveProcessCountAsync(SessionHarness h, string id, int expected)
    {
        const string code = """
            import os
            def live(p):
                try: return ') Z ' not in open(f'/proc/{p}/stat').read()
                except OSError: return False
            len([p for p in os.listdir('/proc') if p.isdigit() and p not in ('1', str(os.getpid())) and live(p)])
            """;
        var count = -1;
        for (var i = 0; i < 50; i++)
        {
            var r = await h.RunAsync(id, code);
            count = int.Parse(r.Text()!, System.Globalization.CultureInfo.InvariantCulture);
            if (count == expected) break;
            await Task.Delay(100);
        }
        return count;
    }

    internal static async Task WaitForStateAsync(SessionHarness h, string id, SessionState state)
    {
        for (var i = 0; i < 200 && h.Manager.Get(id)!.State != state; i++) await Task.Delay(10);
        Assert.Equal(state, h.Manager.Get(id)!.State);
    }
}
