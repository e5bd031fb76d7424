using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Warden.Linux.Isolation;
using Warden.Server;
using Warden.Server.Auth;
using Warden.Server.Configuration;
using Warden.Server.Storage;

namespace Warden.Server.Tests.Support;

/// <summary>
/// A real Warden server on a loopback port (Kestrel) and a Unix socket in a fresh temporary
/// directory, with one key per role: admin, alice and bob (users), alice's reader.
/// </summary>
public sealed class WardenTestHost : IAsyncDisposable
{
    private IHost? _host;

    private WardenTestHost(string dir, IHost host)
    {
        Dir = dir;
        _host = host;
    }

    public string Dir { get; }
    public string DataDir => Path.Combine(Dir, "data");
    public string SocketPath => Path.Combine(Dir, "s", "warden.sock");
    public Uri BaseAddress { get; private set; } = null!;
    public string AdminKey { get; private set; } = "";
    public string AliceKey { get; private set; } = "";
    public string BobKey { get; private set; } = "";
    public string AliceReaderKey { get; private set; } = "";

    public IServiceProvider Services => (_host ?? throw new ObjectDisposedException(nameof(WardenTestHost))).Services;
    internal LinuxSandboxBackend Backend => Services.GetRequiredService<LinuxSandboxBackend>();
    internal IWardenStore Store => Services.GetRequiredService<IWardenStore>();

    /// <summary>Configuration shared by every test host; <paramref name="overrides"/> win.</summary>
    public static Dictionary<string, string?> BaseConfig(string dir) => new()
    {
        ["Server:Urls"] = "http://127.0.0.1:0",
        ["Server:DataDir"] = Path.Combine(dir, "data"),
        ["Server:ShutdownGraceSeconds"] = "2",
        ["UnixSocket:Path"] = Path.Combine(dir, "s", "warden.sock"),
        ["Quotas:User:RequestsPerMinute"] = "100000",
        ["Quotas:Admin:RequestsPerMinute"] = "100000",
        ["Quotas:Reader:RequestsPerMinute"] = "100000",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Warden"] = "Warning",
    };

    /// <param name="configureServices">Adds or replaces services after Warden's own (a log capture, for instance).</param>
    public static async Task<WardenTestHost> StartAsync(IReadOnlyDictionary<string, string?>? overrides = null, string? reuseDir = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var dir = reuseDir ?? Directory.CreateTempSubdirectory("wdn-").FullName;
        var config = BaseConfig(dir);
        if (overrides is not null) foreach (var (k, v) in overrides) config[k] = v;
        var configuration = ServerConfiguration.Build(null, config, useEnvironment: false);
        var host = WardenServer.CreateHostBuilder(configuration, configureServices).Build();
        await host.StartAsync();
        var t = new WardenTestHost(dir, host);
        t.BaseAddress = new Uri(WardenServer.Addresses(host).First(a => a.StartsWith("http://127.0.0.1", StringComparison.Ordinal)));
        var keys = host.Services.GetRequiredService<ApiKeys>();
        t.AdminKey = keys.Create(Role.Admin, "root", "admin").Key;
        t.AliceKey = keys.Create(Role.User, "alice", "alice").Key;
        t.BobKey = keys.Create(Role.User, "bob", "bob").Key;
        t.AliceReaderKey = keys.Create(Role.Reader, "alice", "alice-reader").Key;
        return t;
    }

    /// <summary>A client over loopback TCP; a new connection pool each time.</summary>
    public HttpClient Client(string? key = null)
    {
        var c = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (key is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return c;
    }

    /// <summary>A client over the Unix socket.</summary>
    public HttpClient SocketClient(string? key = null)
    {
        var path = SocketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                    return new NetworkStream(s, ownsSocket: true);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            },
        };
        var c = new HttpClient(handler) { BaseAddress = new Uri("http://warden.local/"), Timeout = TimeSpan.FromMinutes(2) };
        if (key is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return c;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Stops the server gracefully (as SIGTERM does) and keeps the data directory.</summary>
    public async Task StopAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        if (_host is IAsyncDisposable ad) await ad.DisposeAsync(); else _host.Dispose();
        _host = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
