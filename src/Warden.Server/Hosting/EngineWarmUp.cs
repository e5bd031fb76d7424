using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Linux.Isolation;
using Warden.Server.Api;
using Warden.Server.Configuration;

namespace Warden.Server.Hosting;

/// <summary>
/// Warms the engine's fast path (the Python zygotes and their prepared children) in the
/// background once the host has started, so that the first runs after <c>warden serve</c> take
/// the zygote instead of the cold path. The listener never waits for it: <c>/healthz</c> answers
/// at once, and <c>/readyz</c> says when the pools are ready (or why they are not).
/// Registered after the web host, so it starts after Kestrel listens and stops (cancelling a
/// warm-up still going) before it.
/// </summary>
internal sealed partial class EngineWarmUp(LinuxSandboxBackend backend, ServerSettings settings, ILogger<EngineWarmUp> log) : BackgroundService
{
    private volatile Snapshot _snapshot = new(settings.Engine.FastPath.Enabled ? WarmUpState.Warming : WarmUpState.Off, null, null);

    /// <summary>The state, how long the warm-up took, and why it failed (without host paths).</summary>
    internal sealed record Snapshot(WarmUpState State, double? WarmUpMs, string? Reason);

    public Snapshot Current => _snapshot;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_snapshot.State == WarmUpState.Off) return;
        // Hand the thread back to the host at once: starting the zygotes takes hundreds of
        // milliseconds (numpy), and nothing about listening depends on it.
        await Task.Yield();
        var clock = Stopwatch.StartNew();
        try
        {
            var ok = await backend.WarmUpAsync(stoppingToken).ConfigureAwait(false);
            var ms = Math.Round(clock.Elapsed.TotalMilliseconds, 1);
            if (ok)
            {
                _snapshot = new Snapshot(WarmUpState.Ready, ms, null);
                LogReady(ms, backend.PreparedPythonSandboxes);
            }
            else
            {
                var why = backend.FastPathStartError ?? "a zygote did not stay up";
                _snapshot = new Snapshot(WarmUpState.Failed, ms, Safe(why));
                LogFailed(why);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before the warm-up finished: nothing to report.
        }
        catch (Exception ex)
        {
            // A failed warm-up leaves the server serving (every run still isolated, on the cold
            // path), so it must not stop the host; it is shown by /readyz, /status and the log.
            _snapshot = new Snapshot(WarmUpState.Failed, Math.Round(clock.Elapsed.TotalMilliseconds, 1),
                ex is WardenException w ? Safe(w.Message) : "the warm-up failed unexpectedly (see the server log)");
            LogFailedUnexpectedly(ex);
        }
    }

    internal static string Safe(string text)
    {
        var t = SystemEndpoints.WithoutHostPaths(text.ReplaceLineEndings(" "));
        return t.Length <= 300 ? t : t[..300] + "…";
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Fast path ready in {Milliseconds} ms: {Prepared} Python sandboxes prepared")]
    private partial void LogReady(double milliseconds, int prepared);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "The fast path could not start; runs take the cold path (still isolated): {Reason}")]
    private partial void LogFailed(string reason);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "The fast path's warm-up failed; runs take the cold path (still isolated)")]
    private partial void LogFailedUnexpectedly(Exception ex);
}
