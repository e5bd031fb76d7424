using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Warden.Server.Tests.Support;
using Warden.TestSupport;

namespace Warden.Server.Tests.UnixSocket;

[Collection(ServerCollection.Name)]
public sealed class UnixSocketTests(SharedServer server)
{
    private WardenTestHost Host => server.Host;

    [Fact]
    public void Socket_Is0600_InA0700Directory_OwnedByWarden()
    {
        var st = Warden.Server.Hosting.Posix.LStat(Host.SocketPath);
        Assert.NotNull(st);
        Assert.Equal(Warden.Server.Hosting.Posix.S_IFSOCK, st.Value.Type);
        Assert.Equal(Convert.ToUInt32("600", 8), st.Value.Mode);
        Assert.Equal(Warden.Server.Hosting.Posix.EffectiveUid, st.Value.Uid);
        var dir = Warden.Server.Hosting.Posix.LStat(Path.GetDirectoryName(Host.SocketPath)!);
        Assert.Equal(Warden.Server.Hosting.Posix.S_IFDIR, dir!.Value.Type);
        Assert.Equal(Convert.ToUInt32("700", 8), dir.Value.Mode);
        Assert.Equal(Warden.Server.Hosting.Posix.EffectiveUid, dir.Value.Uid);
    }

    [Fact]
    public async Task Socket_ServesTheSameApi_WithTheSameKeys()
    {
        using var anon = Host.SocketClient();
        await Http.ErrorAsync(await anon.GetAsync("/status"), HttpStatusCode.Unauthorized);
        using var alice = Host.SocketClient(Host.AliceKey);
        using var r = await alice.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "print(7)"}"""));
        Assert.Equal("7\n", (await Http.JsonAsync(r)).GetProperty("stdout").GetString());
        using var reader = Host.SocketClient(Host.AliceReaderKey);
        await Http.ErrorAsync(await reader.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "print(7)"}""")), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Socket_BodyOverOneMebibyte_Is413WhileReading()
    {
        using var alice = Host.SocketClient(Host.AliceKey);
        var big = new string('a', (1 << 20) + 10);
        using var content = new PushStreamContent(async s =>
        {
            await s.WriteAsync("{\"language\": \"python\", \"code\": \""u8.ToArray());
            await s.WriteAsync(System.Text.Encoding.ASCII.GetBytes(big));
            await s.WriteAsync("\"}"u8.ToArray());
        });
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        try
        {
            using var r = await alice.PostAsync("/v1/runs", content);
            await Http.ErrorAsync(r, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        }
        catch (HttpRequestException)
        {
            // Answered and closed while the client was still sending: also a refusal while reading.
        }
        // The same body over TCP is within the TCP limit (16 MiB) and reaches validation.
        using var tcp = Host.Client(Host.AliceKey);
        using var ok = await tcp.PostAsync("/v1/runs", WardenTestHost.Json("{\"language\": \"python\", \"code\": \"#" + big + "\"}"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Socket_PeerUidNotAllowed_IsRefusedBeforeAnyRequest()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?> { ["UnixSocket:AllowedUids:0"] = "4242" });
        using var c = host.SocketClient(host.AliceKey);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => c.GetAsync("/status"));
        // TCP is not affected by the socket's uid list.
        using var tcp = host.Client(host.AliceKey);
        Assert.Equal(HttpStatusCode.OK, (await tcp.GetAsync("/status")).StatusCode);
    }

    [HostFact(HostNeed.Root, HostNeed.Setpriv)]
    public async Task Socket_AnotherUid_IsRefused_ByTheDirectoryAndByThePeerCheck()
    {
        // As uid 65534 the 0700 directory already stops the connect.
        var (code, output) = await ConnectAsUid(65534, Host.SocketPath);
        Assert.True(code != 0, output);
        Assert.Contains("PermissionError", output);

        // With the directory opened up (as an administrator might), the peer check still refuses uid 65534.
        await using var host = await WardenTestHost.StartAsync();
        File.SetUnixFileMode(host.Dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(Path.GetDirectoryName(host.SocketPath)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(host.SocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        var (_, output2) = await ConnectAsUid(65534, host.SocketPath);
        // Hung up without an answer: a clean close, a reset, or (when the server hung up before the
        // request was written) a broken pipe; never an HTTP response.
        Assert.True(output2.Trim() == "closed" || output2.Contains("ConnectionResetError", StringComparison.Ordinal)
            || output2.Contains("BrokenPipeError", StringComparison.Ordinal), output2);
        Assert.DoesNotContain("answered", output2);
    }

    [Fact]
    public async Task Socket_PathHoldingSomethingElse_IsLeftAloneAndTheServerRefusesToStart()
    {
        var dir = Directory.CreateTempSubdirectory("wdn-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "s"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(dir, "s", "warden.sock");
        await File.WriteAllTextAsync(path, "precious");
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => WardenTestHost.StartAsync(reuseDir: dir));
        Assert.Contains("not a socket", ex.ToString());
        Assert.Equal("precious", await File.ReadAllTextAsync(path));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Socket_StaleSocketOfOurs_IsReplaced()
    {
        var dir = Directory.CreateTempSubdirectory("wdn-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "s"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(dir, "s", "warden.sock");
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            stale.Bind(new UnixDomainSocketEndPoint(path)); // bound, never listening, closed: what a crash leaves
        await using var host = await WardenTestHost.StartAsync(reuseDir: dir);
        using var c = host.SocketClient(host.AliceKey);
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/status")).StatusCode);
    }

    [Fact]
    public async Task Socket_DirectoryOpenToOthers_RefusesToStart()
    {
        var dir = Directory.CreateTempSubdirectory("wdn-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "s"));
        File.SetUnixFileMode(Path.Combine(dir, "s"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => WardenTestHost.StartAsync(reuseDir: dir));
        Assert.Contains("chmod 700", ex.ToString());
        Directory.Delete(dir, true);
    }

    // Connects as another uid (setpriv) with Python: prints "closed" when the server hangs up without answering.
    private static async Task<(int Code, string Output)> ConnectAsUid(int uid, string path)
    {
        var script = "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\ns.sendall(b'GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')\ndata=s.recv(100)\nprint('closed' if not data else 'answered: ' + data.decode(errors='replace'))";
        var psi = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var a in new[] { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "/usr/bin/python3", "-c", script, path }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = await p.StandardOutput.ReadToEndAsync();
        var e = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, o + e);
    }
}
