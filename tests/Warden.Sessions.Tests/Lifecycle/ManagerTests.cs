using Warden.Policy;
using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Lifecycle;

/// <summary>The manager: owners, limits, kill, restart, reaper (with a manual clock), shutdown; nothing left behind.</summary>
[Collection(SessionCollection.Name)]
public sealed class ManagerTests(EngineFixture engine)
{
    [Fact]
    public async Task Create_ReturnsAnUnguessableIdAndTheResolvedLimits()
    {
        await using var h = new SessionHarness(engine);
        var a = await h.CreateAsync(limits: new LimitsRequest { MemoryMb = 200, TimeoutMs = 5000 });
        var b = await h.CreateAsync();
        Assert.Matches("^[a-z2-7]{26}$", a.Id);
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal((200, 5000, Limits.Default.Pids), (a.Limits.MemoryMb, a.Limits.TimeoutMs, a.Limits.Pids));
        Assert.Equal("python", a.Language);
        Assert.True(h.Manager.Get(a.Id)!.MemoryBytes > 0);
    }

    [Theory]
    [InlineData("cobol")]
    [InlineData("")]
    public async Task Create_WithAnUnknownLanguage_IsRefused(string language)
    {
        await using var h = new SessionHarness(engine);
        await Assert.ThrowsAsync<LanguageUnavailableException>(() => h.CreateAsync(language));
        Assert.Empty(h.Manager.List());
    }

    [Fact]
    public async Task Create_WithBadLimitsOrEnv_IsRefusedNamingTheField()
    {
        await using var h = new SessionHarness(engine);
        Assert.Equal("limits.memoryMb", (await Assert.ThrowsAsync<InvalidRequestException>(() => h.CreateAsync(limits: new LimitsRequest { MemoryMb = 1 }))).Field);
        Assert.Equal("env.LD_PRELOAD", (await Assert.ThrowsAsync<InvalidRequestException>(() => h.CreateAsync(env: new Dictionary<string, string> { ["LD_PRELOAD"] = "x" }))).Field);
        Assert.Equal("idleTtlSeconds", (await Assert.ThrowsAsync<InvalidRequestException>(() => h.CreateAsync(idleTtlSeconds: 0))).Field);
    }

    [Fact]
    public async Task Create_RunsInitCode_AndAFailingInitCodeFailsTheCreation()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(initCode: "import math\nsetup = 'done'");
        Assert.Equal(0, s.ExecutionCount);
        Assert.Equal("'done'", (await h.RunAsync(s.Id, "setup")).Text());
        var ex = await Assert.ThrowsAsync<SessionStartException>(() => h.CreateAsync(initCode: "raise RuntimeError('no fonts')"));
        Assert.Contains("RuntimeError: no fonts", ex.Message, StringComparison.Ordinal);
        Assert.Single(h.Manager.List());
        h.AssertNothingLeftBut(1);
    }

    [Fact]
    public async Task Env_ReachesTheKernelAndCommands_AndNothingOfTheHostDoes()
    {
        await using var h = new SessionHarness(engine);
        Environment.SetEnvironmentVariable("WARDEN_HOST_SECRET", "s3cret");
        var s = await h.CreateAsync(env: new Dictionary<string, string> { ["GREETING"] = "hello" });
        Assert.Equal("('hello', None)", (await h.RunAsync(s.Id, "import os\nos.environ.get('GREETING'), os.environ.get('WARDEN_HOST_SECRET')")).Text());
        var cmd = await h.Manager.RunCommandToEndAsync(s.Id, SessionHarness.Owner, new CommandRequest { Command = "echo $GREETING-$WARDEN_HOST_SECRET" });
        Assert.Equal("hello-\n", cmd.Stdout);
    }

    [Fact]
    public async Task OtherOwners_SeeNothing_AndAdministratorsSeeEverything()
    {
        await using var h = new SessionHarness(engine);
        var mine = await h.CreateAsync(owner: "alice");
        var theirs = await h.CreateAsync(owner: "bob");
        Assert.Null(h.Manager.Get(mine.Id, "bob"));
        Assert.Equal(theirs.Id, Assert.Single(h.Manager.List("bob")).Id);
        Assert.Equal(2, h.Manager.List().Count);
        Assert.NotNull(h.Manager.Get(mine.Id));
        Assert.Throws<SessionNotFoundException>(() => h.Manager.ExecuteAsync(mine.Id, "bob", new CellRequest { Code = "1" }));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => h.Manager.KillAsync(mine.Id, "bob"));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => h.Manager.DownloadAsync(mine.Id, "bob", "x"));
        Assert.Equal(SessionState.Idle, h.Manager.Get(mine.Id)!.State);
        Assert.Throws<SessionNotFoundException>(() => h.Manager.ExecuteAsync("not-an-id", null, new CellRequest { Code = "1" }));
    }

    [Fact]
    public async Task MaxSessions_RefusesOneMoreLiveSession_AndCountsOnlyLiveOnes()
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, MaxSessions = 2 });
        var a = await h.CreateAsync();
        await h.CreateAsync();
        var ex = await Assert.ThrowsAsync<SessionLimitException>(() => h.CreateAsync());
        Assert.Equal("too-many-sessions", ex.Code);
        await h.Manager.KillAsync(a.Id, SessionHarness.Owner);
        await h.CreateAsync();
    }

    [Fact]
    public async Task Kill_EndsTheSessionNow_AndLeavesNothingBehind()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "import subprocess\np = subprocess.Popen(['sleep', '300'], start_new_session=True)");
        var killed = await h.Manager.KillAsync(s.Id, SessionHarness.Owner);
        Assert.Equal((SessionState.Closed, SessionEndReason.Killed), (killed.State, killed.Reason));
        h.AssertNothingLeft();
        await Assert.ThrowsAsync<SessionEndedException>(() => h.RunAsync(s.Id, "1"));
        // Killing again is a no-op.
        Assert.Equal(SessionState.Closed, (await h.Manager.KillAsync(s.Id, SessionHarness.Owner)).State);
    }

    [Fact]
    public async Task Kill_DuringABusyCell_ReportsTheCellLost()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var cell = h.RunAsync(s.Id, "while True: pass");
        await InterruptAndTimeoutTests.WaitForStateAsync(h, s.Id, SessionState.Busy);
        await h.Manager.KillAsync(s.Id, SessionHarness.Owner);
        var r = await cell.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((CellStatus.Lost, CellReason.Killed), (r.Status, r.Reason));
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task Restart_ClearsStateAndCount_KeepsFiles_AndKillsLeftoverProcesses()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "import subprocess\nsecret = 1\nopen('kept.txt', 'w').write('k')\np = subprocess.Popen(['sleep', '300'], start_new_session=True)");
        var info = await h.Manager.RestartAsync(s.Id, SessionHarness.Owner);
        Assert.Equal((SessionState.Idle, 0), (info.State, info.ExecutionCount));
        var r = await h.RunAsync(s.Id, "import os\n('secret' in globals(), os.path.exists('kept.txt'), sorted(p for p in os.listdir('/proc') if p.isdigit() and p not in ('1', str(os.getpid()))))");
        Assert.Equal("(False, True, [])", r.Text());
        Assert.Equal(1, r.ExecutionCount);
    }

    [Fact]
    public async Task Restart_OfACellThatIgnoresInterrupts_ReplacesTheSandbox()
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, InterruptGrace = TimeSpan.FromMilliseconds(300) });
        var s = await h.CreateAsync();
        var cell = h.RunAsync(s.Id, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass");
        await InterruptAndTimeoutTests.WaitForStateAsync(h, s.Id, SessionState.Busy);
        var info = await h.Manager.RestartAsync(s.Id, SessionHarness.Owner);
        Assert.Equal(SessionState.Idle, info.State);
        var r = await cell;
        Assert.Equal((CellStatus.Lost, CellReason.Killed), (r.Status, r.Reason));
        Assert.Equal("2", (await h.RunAsync(s.Id, "1 + 1")).Text());
        h.AssertNothingLeftBut(1);
    }

    [Fact]
    public async Task Reaper_ClosesIdleSessions_AfterTheirTtl_OnTheInjectedClock()
    {
        var clock = new ManualClock();
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, TimeProvider = clock, EndedRetention = TimeSpan.FromMinutes(5) });
        var idle = await h.CreateAsync(idleTtlSeconds: 60);
        var active = await h.CreateAsync(idleTtlSeconds: 60);
        clock.Advance(TimeSpan.FromSeconds(45));
        await h.RunAsync(active.Id, "1");
        await h.Manager.ReapAsync();
        Assert.Equal(SessionState.Idle, h.Manager.Get(idle.Id)!.State);
        clock.Advance(TimeSpan.FromSeconds(20));
        await h.Manager.ReapAsync();
        var reaped = h.Manager.Get(idle.Id)!;
        Assert.Equal((SessionState.Closed, SessionEndReason.Idle), (reaped.State, reaped.Reason));
        Assert.Equal(SessionState.Idle, h.Manager.Get(active.Id)!.State);
        h.AssertNothingLeftBut(1);
        // Ended sessions stay visible for the retention period, then are forgotten.
        clock.Advance(TimeSpan.FromMinutes(6));
        await h.Manager.ReapAsync();
        Assert.Null(h.Manager.Get(idle.Id));
        Assert.Equal(SessionEndReason.Idle, h.Manager.Get(active.Id)!.Reason);
    }

    [Fact]
    public async Task Reaper_NeverClosesABusySessionAsIdle_ButEndsItAtItsLifetime()
    {
        var clock = new ManualClock();
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, TimeProvider = clock });
        var s = await h.CreateAsync(idleTtlSeconds: 10, maxLifetimeSeconds: 100);
        var cell = h.RunAsync(s.Id, "import time\ntime.sleep(300)");
        await InterruptAndTimeoutTests.WaitForStateAsync(h, s.Id, SessionState.Busy);
        clock.Advance(TimeSpan.FromSeconds(50));
        await h.Manager.ReapAsync();
        Assert.Equal(SessionState.Busy, h.Manager.Get(s.Id)!.State);
        clock.Advance(TimeSpan.FromSeconds(51));
        await h.Manager.ReapAsync();
        var info = h.Manager.Get(s.Id)!;
        Assert.Equal((SessionState.Closed, SessionEndReason.Expired), (info.State, info.Reason));
        Assert.Equal(CellStatus.Lost, (await cell).Status);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task Reaper_RunsOnItsOwnTimer()
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { ReapInterval = TimeSpan.FromMilliseconds(100) });
        var s = await h.CreateAsync(idleTtlSeconds: 1);
        for (var i = 0; i < 50 && h.Manager.Get(s.Id)!.State == SessionState.Idle; i++) await Task.Delay(100);
        Assert.Equal(SessionEndReason.Idle, h.Manager.Get(s.Id)!.Reason);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task Dispose_EndsEverySession_AndLeavesNothingBehind()
    {
        var h = new SessionHarness(engine);
        var a = await h.CreateAsync();
        var b = await h.CreateAsync();
        var busy = h.RunAsync(b.Id, "while True: pass");
        await InterruptAndTimeoutTests.WaitForStateAsync(h, b.Id, SessionState.Busy);
        await h.Manager.DisposeAsync();
        h.AssertNothingLeft();
        Assert.Equal(SessionEndReason.Shutdown, h.Manager.Get(a.Id)!.Reason);
        Assert.Equal(CellStatus.Lost, (await busy).Status);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => h.CreateAsync());
        await h.DisposeAsync();
    }
}
