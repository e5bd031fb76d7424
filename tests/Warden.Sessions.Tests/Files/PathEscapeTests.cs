using System.Text;
using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Files;

/// <summary>
/// No file operation ever leaves the workspace: <c>..</c>, absolute paths, NUL and control bytes are
/// refused by the host before anything is sent; links and special files planted by sandbox code are
/// refused by the kernel, which walks every path one component at a time without following links.
/// Every theory runs against each kernel (sandbox/kernels/python and sandbox/kernels/node): what
/// is planted is planted by a session command, so the same attack reaches both.
/// </summary>
[Collection(SessionCollection.Name)]
public sealed class PathEscapeTests(EngineFixture engine)
{
    private static readonly string[] HostileAbsoluteAndDotDot =
    [
        "../etc/passwd", "a/../../etc/passwd", "..", "/etc/passwd", "/workspace/x", "a/./b", ".", "a\0b", "a\nb", "a\\..\\b", "",
    ];

    private const string Plant = "ln -s /etc/passwd passwd-link && ln -s /etc etc-link && ln -s ../.. up && mkfifo fifo && mkdir real";

    private static async Task Shell(SessionHarness h, string id, string command, string expectedStdout = "")
    {
        var r = await h.Manager.RunCommandToEndAsync(id, SessionHarness.Owner, new CommandRequest { Command = command });
        Assert.True(r.ExitCode == 0, $"`{command}` exited {r.ExitCode}: {r.Stderr}");
        Assert.Equal(expectedStdout, r.Stdout);
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task EveryOperation_RefusesPathsOutsideTheWorkspace(string language)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language);
        foreach (var path in HostileAbsoluteAndDotDot)
            await EveryOperationRefuses(h, s.Id, path);
        // The kernel is still there and well after every refusal.
        await Shell(h, s.Id, "echo ok", "ok\n");
    }

    private static async Task EveryOperationRefuses(SessionHarness h, string id, string path)
    {
        var o = SessionHarness.Owner;
        await Assert.ThrowsAsync<InvalidRequestException>(() => h.Manager.UploadAsync(id, o, path, new MemoryStream([1])));
        await Assert.ThrowsAsync<InvalidRequestException>(() => h.Manager.DownloadAsync(id, o, path));
        await Assert.ThrowsAsync<InvalidRequestException>(() => h.Manager.DeleteFileAsync(id, o, path));
        if (path is not ("" or "."))
            await Assert.ThrowsAsync<InvalidRequestException>(() => h.Manager.ListFilesAsync(id, o, path));
        await Assert.ThrowsAsync<InvalidRequestException>(async () =>
        {
            await foreach (var _ in h.Manager.RunCommandAsync(id, o, new CommandRequest { Command = "true", Cwd = path })) { }
        });
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Download_OfASymlinkToEtcPasswdPlantedInTheSandbox_IsRefused(string language)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language);
        await Shell(h, s.Id, Plant);
        var o = SessionHarness.Owner;
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, o, "passwd-link"))).Code);
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, o, "etc-link/passwd"))).Code);
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, o, "up/etc/passwd"))).Code);
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Upload_ThroughAPlantedLink_IsRefused_AndOverALink_ReplacesTheLinkNotItsTarget(string language)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language);
        await Shell(h, s.Id, Plant + " && printf original > real/target.txt && ln -s real/target.txt to-target");
        var o = SessionHarness.Owner;
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.UploadAsync(s.Id, o, "etc-link/evil", new MemoryStream([1])))).Code);
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.UploadAsync(s.Id, o, "up/tmp/evil", new MemoryStream([1])))).Code);
        var entry = await h.Manager.UploadAsync(s.Id, o, "to-target", new MemoryStream("new"u8.ToArray()));
        Assert.Equal("file", entry.Type);
        await Shell(h, s.Id, "printf '%s %s' \"$(cat real/target.txt)\" \"$(test -L to-target && echo link || echo file)\"", "original file");
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Delete_ThroughAPlantedLink_IsRefused(string language)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language);
        await Shell(h, s.Id, Plant + " && printf k > real/keep.txt && ln -s real real-link");
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DeleteFileAsync(s.Id, SessionHarness.Owner, "real-link/keep.txt"))).Code);
        await Shell(h, s.Id, "cat real/keep.txt", "k");
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Download_OfAFifo_IsRefusedWithoutBlocking(string language)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language);
        await Shell(h, s.Id, Plant);
        var ex = await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, SessionHarness.Owner, "fifo")).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("file-not-a-file", ex.Code);
        // The kernel is not stuck on the FIFO.
        Assert.Equal("2", (await h.RunAsync(s.Id, "1 + 1")).Text());
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Upload_OfOneGigabyte_IsStoppedAtTheLimit_AndLeavesNoPartialFile(string language)
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, MaxUploadBytes = 8 << 20 });
        var s = await h.CreateAsync(language);
        var huge = new ZeroStream(1L << 30);
        var ex = await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.UploadAsync(s.Id, SessionHarness.Owner, "huge.bin", huge));
        Assert.Equal("file-too-large", ex.Code);
        Assert.True(huge.Position <= (9 << 20), $"read {huge.Position} bytes of the upload before refusing it");
        Assert.Empty(await h.Manager.ListFilesAsync(s.Id, SessionHarness.Owner));
        await Shell(h, s.Id, "ls -A");
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Upload_PastTheWorkspaceSize_FailsWithNoSpace(string language)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(language, limits: new Policy.LimitsRequest { DiskMb = 4 });
        var ex = await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.UploadAsync(s.Id, SessionHarness.Owner, "big.bin", new ZeroStream(6 << 20)));
        Assert.True(ex.Code is "file-no-space" or "file-too-large", ex.Code);
        await Shell(h, s.Id, "ls -A");
    }

    [Theory]
    [InlineData("python")]
    [HostInlineData(HostNeed.Node, "javascript")]
    public async Task Download_IsBoundedByTheLimit(string language)
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, MaxDownloadBytes = 1 << 20 });
        var s = await h.CreateAsync(language);
        await Shell(h, s.Id, "head -c 2097152 /dev/zero > big");
        Assert.Equal("file-too-large", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, SessionHarness.Owner, "big"))).Code);
    }

    /// <summary>A stream of zeros of a given length, produced on demand.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
