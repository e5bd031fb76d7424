using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Contract;

/// <summary>
/// The session kernel contract (sandbox/PROTOCOLS.md §4), run against each kernel
/// (sandbox/kernels/python and sandbox/kernels/node): the same requests must give the same
/// answers, whichever language the session speaks. Only the cell source differs, and only where
/// the languages spell the same thing differently (<see cref="Dialect"/>); the file and path-escape
/// theories are in Files/PathEscapeTests.cs and run against both kernels too.
/// </summary>
[Collection(SessionCollection.Name)]
public sealed class KernelContractTests(EngineFixture engine)
{
    /// <summary>How each kernel's language spells the few cells these theories need.</summary>
    private sealed record Dialect(string Assign40, string WriteOutTxt, string Throw, string Print);

    private static Dialect For(string language) => language switch
    {
        "python" => new("x = 40", "open('out.txt', 'w').write('made')", "raise ValueError('bad')", "print('hello')"),
        "javascript" => new("var x = 40", "require('fs').writeFileSync('out.txt', 'made')", "throw new RangeError('bad')", "console.log('hello')"),
        _ => throw new ArgumentOutOfRangeException(nameof(language)),
    };

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Cells_KeepState_CountExecutions_StreamStdout_AndReturnTheLastValue(string language)
    {
        var d = For(language);
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language);
        Assert.Equal(language, s.Language);
        await h.RunAsync(s.Id, d.Assign40);
        var printed = await h.RunAsync(s.Id, d.Print);
        Assert.Equal("hello\n", printed.Stdout());
        var r = await h.RunAsync(s.Id, "x + 2");
        Assert.True(r.Status == CellStatus.Ok, r.Describe());
        Assert.Equal("42", r.Text());
        Assert.Equal(3, r.ExecutionCount);
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task ACellThatThrows_EndsInError_WithTheExceptionsValue_AndTheSessionGoesOn(string language)
    {
        var d = For(language);
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language);
        var r = await h.RunAsync(s.Id, d.Throw);
        Assert.Equal(CellStatus.Error, r.Status);
        Assert.Equal("bad", r.Error()!.Evalue);
        Assert.DoesNotContain(r.Error()!.Traceback, l => l.Contains("warden_kernel", StringComparison.Ordinal));
        Assert.Equal("2", (await h.RunAsync(s.Id, "1 + 1")).Text());
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Files_UploadListDownloadDelete_RoundTrip_AndACellReportsTheFilesItChanged(string language)
    {
        var d = For(language);
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language);
        var o = SessionHarness.Owner;
        var entry = await h.Manager.UploadAsync(s.Id, o, "in/a.txt", new MemoryStream("hello"u8.ToArray()));
        Assert.Equal(("in/a.txt", "file", 5L), (entry.Path, entry.Type, entry.Size));
        Assert.Equal(new[] { "in/a.txt" }, (await h.Manager.ListFilesAsync(s.Id, o, recursive: true)).Where(f => f.Type == "file").Select(f => f.Path).ToArray());
        await using (var dl = await h.Manager.DownloadAsync(s.Id, o, "in/a.txt"))
            Assert.Equal("hello"u8.ToArray(), await dl.ReadAllBytesAsync());
        var cell = await h.RunAsync(s.Id, d.WriteOutTxt);
        Assert.Equal(new[] { "out.txt" }, cell.ChangedFiles.Select(f => f.Path).ToArray());
        await h.Manager.DeleteFileAsync(s.Id, o, "in", recursive: true);
        Assert.Equal(new[] { "out.txt" }, (await h.Manager.ListFilesAsync(s.Id, o, recursive: true)).Select(f => f.Path).ToArray());
        Assert.Equal("file-not-found", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, o, "in/a.txt"))).Code);
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Commands_ReportExitCodeAndOutput_AndTimeOut(string language)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language);
        var o = SessionHarness.Owner;
        var cmd = await h.Manager.RunCommandToEndAsync(s.Id, o, new CommandRequest { Command = "echo out; echo err >&2; exit 4" });
        Assert.Equal(("out\n", "err\n", 4), (cmd.Stdout, cmd.Stderr, cmd.ExitCode));
        var timedOut = await h.Manager.RunCommandToEndAsync(s.Id, o, new CommandRequest { Command = "sleep 30", TimeoutMs = 300 });
        Assert.Equal(Execution.RunReason.Timeout, timedOut.Reason);
        Assert.Equal("2", (await h.RunAsync(s.Id, "1 + 1")).Text());
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Restart_ForgetsState_ButKeepsTheWorkspace(string language)
    {
        var d = For(language);
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language);
        await h.RunAsync(s.Id, d.Assign40 + "\n" + d.WriteOutTxt);
        await h.Manager.RestartAsync(s.Id, SessionHarness.Owner);
        var r = await h.RunAsync(s.Id, "x");
        Assert.Equal(CellStatus.Error, r.Status);
        await using var dl = await h.Manager.DownloadAsync(s.Id, SessionHarness.Owner, "out.txt");
        Assert.Equal("made"u8.ToArray(), await dl.ReadAllBytesAsync());
    }
}
