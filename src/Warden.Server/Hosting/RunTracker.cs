using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Server.Api;
using Warden.Server.Configuration;

namespace Warden.Server.Hosting;

/// <summary>
/// Graceful shutdown of what runs: from the moment the host stops, new runs are refused (503);
/// runs going may finish within Server:ShutdownGraceSeconds; then the rest are cancelled (the
/// engine kills and reaps them) and their requests write their audit records before the server
/// and the audit writer stop.
/// </summary>
internal sealed partial class RunTracker(ServerSettings settings, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<RunTracker> log) : IHostedService
{
    private readonly ConcurrentDictionary<long, Tracked> _active = new();
    private long _next;
    private volatile bool _draining;

    public int Active => _active.Count;

    public bool Draining => _draining;

    /// <summary>Starts tracking a run; its token is cancelled when the client goes or the grace period ends.</summary>
    public Tracked Begin(CancellationToken requestAborted)
    {
        if (_draining) throw new ApiException(503, ErrorCodes.ShuttingDown, "Warden is shutting down; nothing new starts. Retry later.", TimeSpan.FromSeconds(5));
        var id = Interlocked.Increment(ref _next);
        var t = new Tracked(this, id, CancellationTokenSource.CreateLinkedTokenSource(requestAborted));
        _active[id] = t;
        if (_draining)
        {
            t.Dispose();
            throw new ApiException(503, ErrorCodes.ShuttingDown, "Warden is shutting down; nothing new starts. Retry later.", TimeSpan.FromSeconds(5));
        }
        return t;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => _draining = true);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var grace = TimeSpan.FromSeconds(settings.Options.Server.ShutdownGraceSeconds);
        var started = time.GetTimestamp();
        if (!_active.IsEmpty) LogDraining(_active.Count, grace.TotalSeconds);
        while (!_active.IsEmpty && time.GetElapsedTime(started) < grace)
            await Task.Delay(TimeSpan.FromMilliseconds(25), time, CancellationToken.None).ConfigureAwait(false);
        if (_active.IsEmpty) return;
        LogKilling(_active.Count);
        foreach (var t in _active.Values) t.Kill();
        var killStarted = time.GetTimestamp();
        while (!_active.IsEmpty && time.GetElapsedTime(killStarted) < TimeSpan.FromSeconds(30))
            await Task.Delay(TimeSpan.FromMilliseconds(25), time, CancellationToken.None).ConfigureAwait(false);
        if (!_active.IsEmpty) LogStuck(_active.Count);
    }

    /// <summary>A tracked run. Dispose when the run is over (reaped).</summary>
    internal sealed class Tracked(RunTracker owner, long id, CancellationTokenSource cts) : IDisposable
    {
        private volatile bool _killed;

        public CancellationToken Token => cts.Token;

        /// <summary>Whether the run was cancelled because the grace period ended.</summary>
        public bool KilledByShutdown => _killed;

        internal void Kill()
        {
            _killed = true;
            try { cts.Cancel(); } catch (ObjectDisposedException) { }
        }

        public void Dispose()
        {
            owner._active.TryRemove(id, out _);
            cts.Dispose();
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Shutting down: waiting up to {Seconds} s for {Count} runs")]
    private partial void LogDraining(int count, double seconds);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Shutting down: killing {Count} runs past the grace period")]
    private partial void LogKilling(int count);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Shutting down: {Count} runs did not end after being killed")]
    private partial void LogStuck(int count);
}
