using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Server.Api;
using Warden.Server.Storage;
using Warden.Sessions;

namespace Warden.Server.Hosting;

/// <summary>
/// The sessions' life in the server. From the start, every end of a session — kill, idle TTL,
/// lifetime, a lost kernel, the shutdown — is stored when it happens (state, reason, time), so that
/// after a restart each session is reported as it ended and only those nobody recorded an end for
/// (Warden died without stopping) are marked lost. At shutdown, after runs and cells have had their
/// grace period: ends every session (recorded as lost, reason shutdown: the caller did not end it
/// and its state is gone) and waits until each sandbox is gone.
/// </summary>
internal sealed partial class SessionShutdown(ISessionManager sessions, IWardenStore store, ILogger<SessionShutdown> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        sessions.SessionEnded += OnSessionEnded;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await sessions.DisposeAsync().ConfigureAwait(false);
        sessions.SessionEnded -= OnSessionEnded;
    }

    private void OnSessionEnded(object? sender, SessionEndedEventArgs e)
    {
        var s = e.Session;
        try
        {
            store.UpsertSession(ToRecord(s));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogNotRecorded(ex, s.Id);
        }
    }

    /// <summary>How an ended session is stored; the store keeps the first end it is told of and never revives it.</summary>
    private static SessionRecord ToRecord(SessionInfo s) => new()
    {
        Id = s.Id,
        Owner = s.Owner,
        Language = s.Language,
        State = s.State == SessionState.Lost || s.Reason == SessionEndReason.Shutdown ? SessionRecord.Lost : SessionRecord.Closed,
        CreatedAt = s.CreatedAt,
        EndedAt = s.EndedAt,
        EndReason = s.Reason is { } r ? JsonNamingPolicy.KebabCaseLower.ConvertName(r.ToString()) : null,
        LimitsJson = JsonSerializer.Serialize(s.Limits, SessionJsonTypes.Limits),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "The end of session {SessionId} could not be stored; after a restart it will be reported as lost")]
    private partial void LogNotRecorded(Exception ex, string sessionId);
}
