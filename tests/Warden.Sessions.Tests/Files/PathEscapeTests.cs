using System.Text;
using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Files;

/// <summary>
/// No file operation ever leaves the workspace: <c>..</c>, absolute paths, NUL and control bytes are
/// refused by the host before anything is sent; links and special files planted by sandbox code are
/// refused by the kernel, which walks every path one component at a time without following links.
/// </summary>
[Collection(SessionCollection.Name)]
public sealed class PathEscapeTests(EngineFixture engine)
{
    public static TheoryData<string> HostileAbsoluteAndDotDot => new()
    {
        "../etc/passwd", "a/../../etc/passwd", "..", "/etc/passwd", "/workspace/x", "a/./b", ".", "a\0b", "a\nb", "a\\..\\b", "",
    };

    private const string Plant = """
        import os
        os.symlink('/etc/passwd', 'passwd-link')
        os.symlink('/etc', 'etc-link')
        os.symlink('../..', 'up')
        os.mkfifo('fifo')
        os.makedirs('real')
        """;

    [Theory]
    [MemberData(nameof(HostileAbsoluteAndDotDot))]
    public async Task EveryOperation_RefusesPathsOutsideTheWorkspace(string path)
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var o = SessionHarness.Owner;
        await Assert.ThrowsAsync<InvalidRequestException>(() => h.Manager.UploadAsync(s.Id, o, path, new MemoryStream([1])));
        await Assert.ThrowsAsync<InvalidRequestException>(() => h.Manager.DownloadAsync(s.Id, o, path));
        await Assert.ThrowsAsync<InvalidRequestException>(() => h.Manager.DeleteFileAsync(s.Id, o, path));
        if (path is not ("" or "."))
            await Assert.ThrowsAsync<InvalidRequestException>(() => h.Manager.ListFilesAsync(s.Id, o, path));
        await Assert.ThrowsAsync<InvalidRequestException>(async () =>
        {
            await foreach (var _ in h.Manager.RunCommandAsync(s.Id, o, new CommandRequest { Command = "true", Cwd = path })) { }
        });
    }

    [Fact]
    public async Task Download_OfASymlinkToEtcPasswdPlantedByCode_IsRefused()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, Plant);
        var o = SessionHarness.Owner;
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, o, "passwd-link"))).Code);
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, o, "etc-link/passwd"))).Code);
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, o, "up/etc/passwd"))).Code);
    }

    [Fact]
    public async Task Upload_ThroughAPlantedLink_IsRefused_AndOverALink_ReplacesTheLinkNotItsTarget()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, Plant + "\nopen('real/target.txt', 'w').write('original')\nos.symlink('real/target.txt', 'to-target')");
        var o = SessionHarness.Owner;
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.UploadAsync(s.Id, o, "etc-link/evil", new MemoryStream([1])))).Code);
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.UploadAsync(s.Id, o, "up/tmp/evil", new MemoryStream([1])))).Code);
        var entry = await h.Manager.UploadAsync(s.Id, o, "to-target", new MemoryStream("new"u8.ToArray()));
        Assert.Equal("file", entry.Type);
        Assert.Equal("('original', False)", (await h.RunAsync(s.Id, "open('real/target.txt').read(), os.path.islink('to-target')")).Text());
    }

    [Fact]
    public async Task Delete_ThroughAPlantedLink_IsRefused()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, Plant + "\nopen('real/keep.txt', 'w').write('k')\nos.symlink('real', 'real-link')");
        Assert.Equal("file-symlink", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DeleteFileAsync(s.Id, SessionHarness.Owner, "real-link/keep.txt"))).Code);
        Assert.Equal("True", (await h.RunAsync(s.Id, "os.path.exists('real/keep.txt')")).Text());
    }

    [Fact]
    public async Task Download_OfAFifo_IsRefusedWithoutBlocking()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, Plant);
        var ex = await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, SessionHarness.Owner, "fifo")).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("file-not-a-file", ex.Code);
        // The kernel is not stuck on the FIFO.
        Assert.Equal("2", (await h.RunAsync(s.Id, "1 + 1")).Text());
    }

    [Fact]
    public async Task Upload_OfOneGigabyte_IsStoppedAtTheLimit_AndLeavesNoPartialFile()
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, MaxUploadBytes = 8 << 20 });
        var s = await h.CreateAsync();
        var huge = new ZeroStream(1L << 30);
        var ex = await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.UploadAsync(s.Id, SessionHarness.Owner, "huge.bin", huge));
        Assert.Equal("file-too-large", ex.Code);
        Assert.True(huge.Position <= (9 << 20), $"read {huge.Position} bytes of the upload before refusing it");
        Assert.Empty(await h.Manager.ListFilesAsync(s.Id, SessionHarness.Owner));
        Assert.Equal("[]", (await h.RunAsync(s.Id, "import os\nos.listdir('.')")).Text());
    }

    [Fact]
    public async Task Upload_PastTheWorkspaceSize_FailsWithNoSpace()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(limits: new Policy.LimitsRequest { DiskMb = 4 });
        var ex = await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.UploadAsync(s.Id, SessionHarness.Owner, "big.bin", new ZeroStream(6 << 20)));
        Assert.True(ex.Code is "file-no-space" or "file-too-large", ex.Code);
        Assert.Equal("[]", (await h.RunAsync(s.Id, "import os\nos.listdir('.')")).Text());
    }

    [Fact]
    public async Task Download_IsBoundedByTheLimit()
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, MaxDownloadBytes = 1 << 20 });
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "open('big', 'wb').write(b'x' * (2 << 20))");
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
