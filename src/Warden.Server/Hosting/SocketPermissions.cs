using Microsoft.Extensions.Hosting;
using Warden.Server.Configuration;
using Warden.Server.UnixSocket;

namespace Warden.Server.Hosting;

/// <summary>Right after Kestrel has bound the Unix socket (inside its 0700 directory): chmod 0600.</summary>
internal sealed class SocketPermissions(ServerSettings settings) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.SocketPath is { } path) UnixSocketListener.Secure(path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
