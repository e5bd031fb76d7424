namespace Warden.Server.Storage;

/// <summary>
/// Warden's persistent state: API keys, sessions' metadata and the audit log. SQLite in the data
/// directory by default (<see cref="SqliteStore"/>); a PostgreSQL store for several nodes would
/// implement the same interface.
/// </summary>
internal interface IWardenStore : IDisposable
{
    /// <summary>Adds a key; false when the id is already taken.</summary>
    bool AddKey(ApiKeyRecord key);
    ApiKeyRecord? FindKey(string id);
    IReadOnlyList<ApiKeyRecord> ListKeys();
    /// <summary>Revokes a key; false when there is no such key or it was already revoked.</summary>
    bool RevokeKey(string id, DateTimeOffset at);

    void AppendAudit(IReadOnlyList<AuditRecord> records);
    IReadOnlyList<AuditRecord> QueryAudit(AuditQuery query);
    long CountAudit();
    int DeleteAuditBefore(DateTimeOffset cutoff);

    /// <summary>
    /// Inserts a session's record, or updates it: a missing key id or limits are filled in, and a live
    /// record takes the new state and end. An ended record is never changed back to live nor ended
    /// again (its first end wins, whichever of the create and end writes comes first).
    /// </summary>
    void UpsertSession(SessionRecord session);
    SessionRecord? FindSession(string id);
    IReadOnlyList<SessionRecord> ListSessions(string? owner, bool liveOnly);
    /// <summary>Marks every session still live as lost, reason <c>server-restart</c> (at a start: Warden died without recording their end); returns how many.</summary>
    int MarkLiveSessionsLost(DateTimeOffset at);
}
