using Warden.Execution;
using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Commands;

/// <summary>Shell commands inside a session's sandbox: the agent-in-a-sandbox use.</summary>
[Collection(SessionCollection.Name)]
public sealed class CommandTests(EngineFixture engine)
{
    [Fact]
    public async Task Command_StreamsLinesAsProduced_AndReportsTheExitCode()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.Manager.UploadAsync(s.Id, SessionHarness.Owner, "agent.py", new MemoryStream("""
            import sys, time
            for i in range(3):
                print('step', i)
                time.sleep(0.3)
            print('warn', file=sys.stderr)
            sys.exit(3)
            """u8.ToArray()));
        var lines = new List<(TimeSpan At, string Text)>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        CommandResult? result = null;
        await foreach (var e in h.Manager.RunCommandAsync(s.Id, SessionHarness.Owner, new CommandRequest { Command = "python3 agent.py" }))
        {
            if (e is CommandOutputEvent { Stream: "stdout" } o) lines.Add((sw.Elapsed, o.Text));
            if (e is CommandCompletedEvent c) result = c.Result;
        }
        Assert.NotNull(result);
        Assert.Equal((RunReason.Exited, 3), (result.Reason, result.ExitCode));
        Assert.Equal("step 0\nstep 1\nstep 2\n", result.Stdout);
        Assert.Equal("warn\n", result.Stderr);
        Assert.True(lines.Count >= 3, "lines came in one piece, not as produced");
        Assert.True(lines[^1].At - lines[0].At > TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public async Task Command_PastItsTimeout_IsKilledWithItsWholeProcessGroup()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.Manager.RunCommandToEndAsync(s.Id, SessionHarness.Owner, new CommandRequest { Command = "sleep 300 & sleep 300; echo never", TimeoutMs = 500 });
        Assert.Equal(RunReason.Timeout, r.Reason);
        Assert.Equal("SIGKILL", r.Signal);
        Assert.True(r.WallMs < 5000);
        var left = await h.RunAsync(s.Id, "import os\nlen([p for p in os.listdir('/proc') if p.isdigit() and p not in ('1', str(os.getpid())) and ') Z ' not in open(f'/proc/{p}/stat').read()])");
        Assert.Equal("0", left.Text());
    }

    [Fact]
    public async Task Command_Argv_Cwd_Env_AndStdin()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "import os\nos.makedirs('sub')");
        var r = await h.Manager.RunCommandToEndAsync(s.Id, SessionHarness.Owner, new CommandRequest
        {
            Argv = ["/bin/sh", "-c", "pwd; echo $X; cat"], Cwd = "sub", Env = new Dictionary<string, string> { ["X"] = "ex" }, Stdin = "from stdin",
        });
        Assert.Equal("/workspace/sub\nex\nfrom stdin", r.Stdout);
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public async Task Command_ThatCannotStart_IsASandboxError()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.Manager.RunCommandToEndAsync(s.Id, SessionHarness.Owner, new CommandRequest { Argv = ["/no/such/program"] });
        Assert.Equal(RunReason.SandboxError, r.Reason);
    }

    [Fact]
    public async Task Command_Cancelled_IsKilled_AndTheSessionGoesOn()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in h.Manager.RunCommandAsync(s.Id, SessionHarness.Owner, new CommandRequest { Command = "echo up; sleep 300" }, cts.Token))
                if (e is CommandOutputEvent) await cts.CancelAsync();
        });
        for (var i = 0; i < 50; i++)
        {
            var n = (await h.RunAsync(s.Id, "import os\nlen([p for p in os.listdir('/proc') if p.isdigit() and p not in ('1', str(os.getpid())) and ') Z ' not in open(f'/proc/{p}/stat').read()])")).Text();
            if (n == "0") return;
            await Task.Delay(50);
        }
        Assert.Fail("the cancelled command is still running");
    }

    [Fact]
    public async Task Command_RunsWhileACellIsBusy()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var cell = h.RunAsync(s.Id, "import time\ntime.sleep(2)\n'cell done'");
        await Lifecycle.InterruptAndTimeoutTests.WaitForStateAsync(h, s.Id, SessionState.Busy);
        var r = await h.Manager.RunCommandToEndAsync(s.Id, SessionHarness.Owner, new CommandRequest { Command = "echo concurrent" });
        Assert.Equal("concurrent\n", r.Stdout);
        Assert.False(cell.IsCompleted);
        Assert.Equal("'cell done'", (await cell).Text());
    }

    [Fact]
    public async Task Command_OutputPastTheLimit_IsCutAndTheCommandKilled()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(limits: new Policy.LimitsRequest { OutputBytes = 8192 });
        var r = await h.Manager.RunCommandToEndAsync(s.Id, SessionHarness.Owner, new CommandRequest { Command = "yes" });
        Assert.Equal(RunReason.OutputLimit, r.Reason);
        Assert.True(r.OutputTruncated);
        Assert.True(r.Stdout.Length <= 8192);
    }
}
