using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Isolation;

/// <summary>Two sessions are two sandboxes: neither sees the other's files or processes, nor anything of the host.</summary>
[Collection(SessionCollection.Name)]
public sealed class SessionIsolationTests(EngineFixture engine)
{
    [Fact]
    public async Task SessionA_CannotSeeSessionBsFilesOrProcesses()
    {
        await using var h = new SessionHarness(engine);
        var a = await h.CreateAsync();
        var b = await h.CreateAsync();
        await h.RunAsync(b.Id, "import subprocess\nopen('/workspace/b-secret.txt', 'w').write('b')\nopen('/tmp/b-tmp.txt', 'w').write('b')\np = subprocess.Popen(['sleep', '300'])");
        var seen = await h.RunAsync(a.Id, """
            import os, glob
            procs = [open(f'/proc/{p}/cmdline').read() for p in os.listdir('/proc') if p.isdigit()]
            (os.listdir('/workspace'), glob.glob('/tmp/b-*'), any(c.split('\0')[0] == 'sleep' for c in procs), len(procs))
            """);
        Assert.Equal("([], [], False, 2)", seen.Text());
        // The same check in B finds B's own process (the check can see what it looks for).
        var own = await h.RunAsync(b.Id, "import os\nany(open(f'/proc/{p}/cmdline').read().split('\\0')[0] == 'sleep' for p in os.listdir('/proc') if p.isdigit())");
        Assert.Equal("True", own.Text());
        Assert.Empty(await h.Manager.ListFilesAsync(a.Id, SessionHarness.Owner));
        Assert.Equal("b-secret.txt", Assert.Single(await h.Manager.ListFilesAsync(b.Id, SessionHarness.Owner)).Path);
    }

    [Fact]
    public async Task Session_SeesNothingOfTheHost()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, """
            import os, socket
            def exists(p):
                return os.path.exists(p)
            net = True
            try:
                socket.create_connection(('1.1.1.1', 53), timeout=1)
            except OSError:
                net = False
            (os.getuid() != 0, exists('/root'), exists('/home'), exists('/var/lib'), exists('/etc/shadow'), exists('/sys/class/dmi'), net, sorted(os.environ)[:3])
            """);
        Assert.True(r.Status == CellStatus.Ok, r.Describe());
        Assert.StartsWith("(True, False, False, False, False, False, False, ", r.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain("DOTNET", r.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_LimitsApplyToTheWholeSession_NotPerCell()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(limits: new Policy.LimitsRequest { MemoryMb = 128 });
        // Memory held by an earlier cell counts against a later one.
        await h.RunAsync(s.Id, "hold = bytearray(70 << 20)\nhold[::4096] = b'x' * len(hold[::4096])");
        var r = await h.RunAsync(s.Id, "more = bytearray(70 << 20)\nmore[::4096] = b'y' * len(more[::4096])");
        Assert.True(r.Status == CellStatus.Lost && r.Reason == CellReason.Memory || r.Error()?.Ename == "MemoryError", r.Describe());
    }
}
