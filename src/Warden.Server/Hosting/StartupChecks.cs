using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Linux.Isolation;
using Warden.Server.Configuration;
using Warden.Server.Storage;

namespace Warden.Server.Hosting;

/// <summary>
/// Before the server listens: the host must be able to isolate (else the server does not start),
/// sessions that were live when Warden last stopped are recorded as lost (their sandboxes died
/// with that process; the engine sweeps any cgroup left of it), and a non-loopback address
/// without TLS is warned about.
/// </summary>
internal sealed partial class StartupChecks(LinuxSandboxBackend backend, IWardenStore store, ServerSettings settings, TimeProvider time, ILogger<StartupChecks> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        backend.EnsureAvailable();
        var lost = store.MarkLiveSessionsLost(time.GetUtcNow());
        if (lost > 0) LogLost(lost);
        foreach (var u in settings.Urls)
            if (u.Scheme == "http" && !ServerSettings.IsLoopbackHost(u.Host)) LogPlainText(u.ToString());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Count} session(s) were live when Warden last stopped without ending them (it did not shut down cleanly); they are reported as lost")]
    private partial void LogLost(int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Listening on {Url} without TLS: API keys and code cross the network in clear text. Use https (Server:TlsCertificatePath) or a TLS proxy.")]
    private partial void LogPlainText(string url);
}
