using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Cells;

/// <summary>The JavaScript (node) kernel: the same protocol and output model as Python's.</summary>
[Collection(SessionCollection.Name)]
public sealed class JavaScriptKernelTests(EngineFixture engine)
{
    [HostFact(HostNeed.Node)]
    public async Task Cells_KeepState_StreamConsole_AndReturnTheLastValue()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync("javascript");
        Assert.Equal("javascript", s.Language);
        await h.RunAsync(s.Id, "var x = 40; globalThis.y = 1;");
        var r = await h.RunAsync(s.Id, "console.log('hi', {a: 1}); console.error('err'); x + y + 1");
        Assert.True(r.Status == CellStatus.Ok, r.Describe());
        Assert.Equal("hi { a: 1 }\n", r.Stdout());
        Assert.Equal("err\n", r.Stderr());
        Assert.Equal("42", r.Text());
        Assert.Equal(2, r.ExecutionCount);
    }

    [HostFact(HostNeed.Node)]
    public async Task RichOutputs_Display_Errors_AndPromises()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync("javascript");
        var rich = await h.RunAsync(s.Id, "display.html('<b>x</b>'); ({ _repr_svg_: () => '<svg/>', toString() { return 's'; } })");
        Assert.Equal("<b>x</b>", rich.Outputs.OfType<DisplayDataOutput>().Single().Data["text/html"].GetString());
        Assert.Equal("<svg/>", rich.Outputs.OfType<ExecuteResultOutput>().Single().Data["image/svg+xml"].GetString());
        var err = await h.RunAsync(s.Id, "function f() { throw new TypeError('bad'); }\nf()");
        Assert.Equal(("TypeError", "bad"), (err.Error()!.Ename, err.Error()!.Evalue));
        Assert.Contains(err.Error()!.Traceback, l => l.Contains("<cell-", StringComparison.Ordinal));
        var awaited = await h.RunAsync(s.Id, "await new Promise(r => setTimeout(() => r(7), 10))");
        Assert.Equal("7", awaited.Text());
    }

    [HostFact(HostNeed.Node)]
    public async Task Interrupt_StopsAnInfiniteLoop_AndKeepsState()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync("javascript");
        await h.RunAsync(s.Id, "var kept = 'yes'");
        var cell = h.RunAsync(s.Id, "while (true) {}");
        await Lifecycle.InterruptAndTimeoutTests.WaitForStateAsync(h, s.Id, SessionState.Busy);
        await Task.Delay(200);
        await h.Manager.InterruptAsync(s.Id, SessionHarness.Owner);
        var r = await cell.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal((CellStatus.Error, CellReason.Interrupted), (r.Status, r.Reason));
        // Its traceback names no frame of the kernel (nor of node's internals).
        Assert.Equal("KeyboardInterrupt", r.Error()!.Ename);
        Assert.DoesNotContain(r.Error()!.Traceback, l => l.Contains("warden_kernel", StringComparison.Ordinal) || l.Contains("node:", StringComparison.Ordinal));
        Assert.Equal("'yes'", (await h.RunAsync(s.Id, "kept")).Text());
    }

    [HostFact(HostNeed.Node)]
    public async Task FilesCommandsAndRestart_Work()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync("javascript");
        await h.Manager.UploadAsync(s.Id, SessionHarness.Owner, "in/a.txt", new MemoryStream("hello"u8.ToArray()));
        var r = await h.RunAsync(s.Id, "const fs = require('fs'); fs.writeFileSync('out.txt', fs.readFileSync('in/a.txt', 'utf8').toUpperCase()); fs.symlinkSync('/etc/passwd', 'link');");
        Assert.Equal(new[] { "link", "out.txt" }, r.ChangedFiles.Select(f => f.Path).ToArray());
        await using (var d = await h.Manager.DownloadAsync(s.Id, SessionHarness.Owner, "out.txt"))
            Assert.Equal("HELLO"u8.ToArray(), await d.ReadAllBytesAsync());
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, SessionHarness.Owner, "link"))).Code);
        var cmd = await h.Manager.RunCommandToEndAsync(s.Id, SessionHarness.Owner, new CommandRequest { Command = "cat in/a.txt; exit 4" });
        Assert.Equal(("hello", 4), (cmd.Stdout, cmd.ExitCode));
        var timedOut = await h.Manager.RunCommandToEndAsync(s.Id, SessionHarness.Owner, new CommandRequest { Command = "sleep 30", TimeoutMs = 300 });
        Assert.Equal(Execution.RunReason.Timeout, timedOut.Reason);
        await h.RunAsync(s.Id, "var before = 1");
        await h.Manager.RestartAsync(s.Id, SessionHarness.Owner);
        Assert.Equal("'undefined'", (await h.RunAsync(s.Id, "typeof before")).Text());
        Assert.Equal("true", (await h.RunAsync(s.Id, "require('fs').existsSync('out.txt')")).Text());
    }
}
