using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Lifecycle;

/// <summary>A restart gives a fresh interpreter that has run the session's init code again, as at creation.</summary>
[Collection(SessionCollection.Name)]
public sealed class RestartInitCodeTests(EngineFixture engine)
{
    [Theory]
    [InlineData("python", "import math\nsetup = 'done'", "(round(math.pi, 2), setup)", "(3.14, 'done')", "scratch = 1", "'scratch' in globals()", "False")]
    [InlineData("javascript", "globalThis.setup = 'done'; var pi2 = Math.round(Math.PI * 100) / 100", "[pi2, setup]", "[ 3.14, 'done' ]", "var scratch = 1", "typeof scratch", "'undefined'")]
    public async Task Restart_RunsTheInitCodeAgain_AndClearsTheRest(string language, string init, string probe, string expected, string scratch, string scratchProbe, string scratchGone)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language, initCode: init);
        Assert.Equal(expected, (await h.RunAsync(s.Id, probe)).Text());
        await h.RunAsync(s.Id, scratch);
        var info = await h.Manager.RestartAsync(s.Id, SessionHarness.Owner);
        Assert.Equal((SessionState.Idle, 0), (info.State, info.ExecutionCount));
        var r = await h.RunAsync(s.Id, probe);
        Assert.True(r.Status == CellStatus.Ok, r.Describe());
        Assert.Equal(expected, r.Text());
        Assert.Equal(1, r.ExecutionCount);
        Assert.Equal(scratchGone, (await h.RunAsync(s.Id, scratchProbe)).Text());
    }

    [Fact]
    public async Task Restart_ThatReplacesTheSandbox_RunsTheInitCodeAgain()
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, InterruptGrace = TimeSpan.FromMilliseconds(300) });
        var s = await h.CreateAsync(initCode: "import math");
        // Restarted only once the cell ignores SIGINT (it says so), whatever the machine's load: then
        // the restart's interrupt cannot stop it and the sandbox has to be replaced.
        async Task<CellResult> RunAndRestartAsync()
        {
            var restarted = false;
            await foreach (var e in h.Manager.ExecuteAsync(s.Id, SessionHarness.Owner,
                new CellRequest { Code = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint('ignoring', flush=True)\nwhile True: pass" }))
            {
                if (e is CellCompletedEvent done) return done.Result;
                if (!restarted && e is CellOutputEvent)
                {
                    restarted = true;
                    await h.Manager.RestartAsync(s.Id, SessionHarness.Owner);
                }
            }
            throw new InvalidOperationException("no result");
        }
        Assert.Equal(CellStatus.Lost, (await RunAndRestartAsync().WaitAsync(TimeSpan.FromSeconds(30))).Status);
        var r = await h.RunAsync(s.Id, "round(math.pi, 2)");
        Assert.True(r.Status == CellStatus.Ok, r.Describe());
        Assert.Equal("3.14", r.Text());
        h.AssertNothingLeftBut(1);
    }

    [Theory]
    [InlineData("python", "import os\nif os.path.exists('broken'): raise RuntimeError('no fonts')", "open('broken', 'w').close()", "RuntimeError: no fonts")]
    [InlineData("javascript", "if (require('fs').existsSync('broken')) throw new RangeError('no fonts')", "require('fs').writeFileSync('broken', '')", "RangeError: no fonts")]
    public async Task Restart_WhoseInitCodeNowFails_SaysSo_AndTheSessionLivesOnWithoutIt(string language, string init, string breakIt, string expected)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language, initCode: init);
        await h.RunAsync(s.Id, breakIt);
        var ex = await Assert.ThrowsAnyAsync<WardenException>(() => h.Manager.RestartAsync(s.Id, SessionHarness.Owner));
        Assert.Equal("session-init-failed", ex.Code);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        var info = h.Manager.Get(s.Id)!;
        Assert.Equal((SessionState.Idle, 0), (info.State, info.ExecutionCount));
        Assert.Equal("2", (await h.RunAsync(s.Id, "1 + 1")).Text());
        h.AssertNothingLeftBut(1);
    }
}
