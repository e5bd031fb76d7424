using System.Collections.Concurrent;
using System.Text.Json;
using Warden.Server.Api;
using Warden.Server.Auth;
using Warden.Server.Configuration;
using Warden.Server.Storage;
using Warden.Sessions;

namespace Warden.Server.Quotas;

/// <summary>
/// Who sees which session and how many each may have: a key sees its owner's sessions (an admin
/// sees all; another owner's id is simply not found), a principal may have Quotas:ROLE:LiveSessions
/// live at once, and the store keeps each session's metadata and how it ended (recorded when it
/// ended, by <see cref="Hosting.SessionShutdown"/>) so that after a restart every session is still
/// reported as it ended; one that was live when Warden died is reported lost.
/// </summary>
internal sealed class SessionAccess(ISessionManager sessions, IWardenStore store, ServerSettings settings)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _creating = new(StringComparer.Ordinal);

    /// <summary>The manager's owner filter: null (everything) for admins.</summary>
    public static string? Filter(WardenPrincipal p) => p.Role == Role.Admin ? null : p.Owner;

    /// <summary>Creates a session within the principal's live-session quota (429 past it).</summary>
    public async Task<SessionInfo> CreateAsync(WardenPrincipal p, SessionCreateRequest request, CancellationToken ct)
    {
        var quota = settings.QuotaOf(p.Role).LiveSessions;
        if (quota == 0) throw new ApiException(403, ErrorCodes.Forbidden, "This key's role may not start sessions.");
        var gate = _creating.GetOrAdd(p.QuotaKey, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var live = sessions.List(p.Owner).Count(s => s.State is SessionState.Starting or SessionState.Idle or SessionState.Busy);
            if (live >= quota)
                throw new ApiException(429, ErrorCodes.TooManySessions, $"This key's owner has {live} live sessions and may have {quota}; delete one first.", TimeSpan.FromSeconds(5));
            var info = await sessions.CreateAsync(request, p.Owner, ct).ConfigureAwait(false);
            store.UpsertSession(new SessionRecord
            {
                Id = info.Id,
                Owner = info.Owner,
                KeyId = p.KeyId,
                Language = info.Language,
                State = SessionRecord.Live,
                CreatedAt = info.CreatedAt,
                LimitsJson = JsonSerializer.Serialize(info.Limits, SessionJsonTypes.Limits),
            });
            return info;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A session the principal may see: from the manager, or as the store remembers its end (after a restart). 404 otherwise.</summary>
    public SessionInfo Get(WardenPrincipal p, string id) =>
        sessions.Get(id, Filter(p)) ?? Remembered(p, id) ?? throw new ApiException(404, ErrorCodes.NotFound, "No such session.");

    /// <summary>The principal's sessions: those the manager holds, then the ended ones the store remembers (the latest 1000).</summary>
    public List<SessionInfo> List(WardenPrincipal p)
    {
        var live = sessions.List(Filter(p)).ToList();
        var known = live.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var r in store.ListSessions(Filter(p), liveOnly: false))
            if (r.State != SessionRecord.Live && known.Add(r.Id)) live.Add(ToInfo(r));
        return live;
    }

    /// <summary>Ends a session on request (the manager's end event records it before this returns).</summary>
    public Task<SessionInfo> KillAsync(WardenPrincipal p, string id, CancellationToken ct) => sessions.KillAsync(id, Filter(p), ct);

    /// <summary>Checks that the session is visible before an operation (so that the error is 404 for others' ids).</summary>
    public void EnsureVisible(WardenPrincipal p, string id)
    {
        if (sessions.Get(id, Filter(p)) is null)
            throw Remembered(p, id) is { } lost
                ? new SessionEndedException(id, lost.State, lost.Reason)
                : new ApiException(404, ErrorCodes.NotFound, "No such session.");
    }

    private SessionInfo? Remembered(WardenPrincipal p, string id)
    {
        var r = store.FindSession(id);
        return r is null || !p.CanSee(r.Owner) || r.State == SessionRecord.Live ? null : ToInfo(r);
    }

    private static SessionInfo ToInfo(SessionRecord r)
    {
        Policy.Limits limits;
        try
        {
            limits = r.LimitsJson is null ? Policy.Limits.Default : JsonSerializer.Deserialize(r.LimitsJson, SessionJsonTypes.Limits) ?? Policy.Limits.Default;
        }
        catch (JsonException)
        {
            limits = Policy.Limits.Default;
        }
        // As SessionShutdown.ToRecord stored it; server-restart (and anything unknown) reads as shutdown.
        var reason = Enum.GetValues<SessionEndReason>().FirstOrDefault(v => JsonNamingPolicy.KebabCaseLower.ConvertName(v.ToString()) == r.EndReason, SessionEndReason.Shutdown);
        return new SessionInfo
        {
            Id = r.Id,
            Owner = r.Owner,
            Language = r.Language,
            State = r.State == SessionRecord.Closed ? SessionState.Closed : SessionState.Lost,
            Reason = reason,
            Message = r.EndReason == SessionRecord.ServerRestart
                ? "Warden stopped without ending the session (it did not shut down cleanly); its state is gone and nothing of it is left running."
                : reason == SessionEndReason.Shutdown
                    ? "Warden shut down while the session was live; its state is gone and nothing of it is left running."
                    : null,
            Limits = limits,
            CreatedAt = r.CreatedAt,
            LastActivityAt = r.CreatedAt,
            EndedAt = r.EndedAt,
        };
    }
}
