using Microsoft.Extensions.Hosting;
using Warden.Sessions;

namespace Warden.Server.Hosting;

/// <summary>At shutdown, after runs and cells have had their grace period: ends every session and waits until its sandbox is gone.</summary>
internal sealed class SessionShutdown(ISessionManager sessions) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await sessions.DisposeAsync().ConfigureAwait(false);
}
