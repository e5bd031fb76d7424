using System.Globalization;
using Microsoft.Data.Sqlite;
using Warden.Server.Auth;
using Warden.Server.Hosting;

namespace Warden.Server.Storage;

/// <summary>
/// The embedded store: one SQLite database (<c>warden.db</c>, WAL, mode 0600) in the data
/// directory (0700). Safe to open from the server and from <c>warden keys</c> at the same time.
/// </summary>
internal sealed class SqliteStore : IWardenStore
{
    public const string FileName = "warden.db";
    private const int SchemaVersion = 1;
    private readonly string _connectionString;

    private SqliteStore(string connectionString) => _connectionString = connectionString;

    /// <summary>The database file.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Opens (creating when needed) the store in <paramref name="dataDir"/>, which is created 0700 or checked.</summary>
    public static SqliteStore Open(string dataDir)
    {
        SecureDirectory.Ensure(dataDir, "data directory");
        var path = Path.Combine(Path.GetFullPath(dataDir), FileName);
        if (Posix.LStat(path) is null)
        {
            // Created 0600 before SQLite opens it; its -wal and -shm files take the same mode.
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        else if (Posix.LStat(path) is { } st && st.Type != Posix.S_IFREG)
        {
            throw new WardenException("data-dir-unusable", $"{path} is not a regular file.");
        }
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = true, DefaultTimeout = 30 }.ToString();
        var store = new SqliteStore(cs) { DatabasePath = path };
        store.Migrate();
        return store;
    }

    private SqliteConnection Connect()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
        cmd.ExecuteNonQuery();
        return c;
    }

    private void Migrate()
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS api_keys(
                id TEXT PRIMARY KEY, hash BLOB NOT NULL, role TEXT NOT NULL, owner TEXT NOT NULL, name TEXT,
                created_at INTEGER NOT NULL, revoked_at INTEGER);
            CREATE TABLE IF NOT EXISTS sessions(
                id TEXT PRIMARY KEY, owner TEXT NOT NULL, key_id TEXT, language TEXT NOT NULL, state TEXT NOT NULL,
                created_at INTEGER NOT NULL, ended_at INTEGER, end_reason TEXT, limits TEXT);
            CREATE INDEX IF NOT EXISTS sessions_owner ON sessions(owner, state);
            CREATE TABLE IF NOT EXISTS audit(
                id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, request_id TEXT, key_id TEXT, owner TEXT, role TEXT,
                remote TEXT, action TEXT NOT NULL, target TEXT, outcome TEXT NOT NULL, status INTEGER NOT NULL,
                duration_ms REAL NOT NULL, cpu_ms REAL, peak_memory_bytes INTEGER, reason TEXT, code TEXT);
            CREATE INDEX IF NOT EXISTS audit_time ON audit(time);
            CREATE INDEX IF NOT EXISTS audit_owner ON audit(owner, id);
            INSERT OR IGNORE INTO meta(key, value) VALUES('schema', $v);
            """;
        cmd.Parameters.AddWithValue("$v", SchemaVersion.ToString(CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
        cmd.CommandText = "SELECT value FROM meta WHERE key = 'schema'";
        cmd.Parameters.Clear();
        var v = int.Parse((string)cmd.ExecuteScalar()!, CultureInfo.InvariantCulture);
        if (v > SchemaVersion)
            throw new WardenException("data-dir-unusable", $"The database {DatabasePath} was written by a newer Warden (schema {v}); upgrade Warden.");
    }

    public bool AddKey(ApiKeyRecord key)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT OR IGNORE INTO api_keys(id, hash, role, owner, name, created_at) VALUES($id, $hash, $role, $owner, $name, $created)";
        cmd.Parameters.AddWithValue("$id", key.Id);
        cmd.Parameters.AddWithValue("$hash", key.Hash);
        cmd.Parameters.AddWithValue("$role", Roles.Name(key.Role));
        cmd.Parameters.AddWithValue("$owner", key.Owner);
        cmd.Parameters.AddWithValue("$name", (object?)key.Name ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$created", key.CreatedAt.ToUnixTimeMilliseconds());
        return cmd.ExecuteNonQuery() == 1;
    }

    public ApiKeyRecord? FindKey(string id)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, hash, role, owner, name, created_at, revoked_at FROM api_keys WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadKey(r) : null;
    }

    public IReadOnlyList<ApiKeyRecord> ListKeys()
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, hash, role, owner, name, created_at, revoked_at FROM api_keys ORDER BY created_at, id";
        using var r = cmd.ExecuteReader();
        var list = new List<ApiKeyRecord>();
        while (r.Read()) list.Add(ReadKey(r));
        return list;
    }

    public bool RevokeKey(string id, DateTimeOffset at)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE api_keys SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        return cmd.ExecuteNonQuery() == 1;
    }

    private static ApiKeyRecord ReadKey(SqliteDataReader r)
    {
        Roles.TryParse(r.GetString(2), out var role);
        return new ApiKeyRecord
        {
            Id = r.GetString(0),
            Hash = (byte[])r.GetValue(1),
            Role = role,
            Owner = r.GetString(3),
            Name = r.IsDBNull(4) ? null : r.GetString(4),
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
            RevokedAt = r.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        };
    }

    public void AppendAudit(IReadOnlyList<AuditRecord> records)
    {
        if (records.Count == 0) return;
        using var c = Connect();
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO audit(time, request_id, key_id, owner, role, remote, action, target, outcome, status, duration_ms, cpu_ms, peak_memory_bytes, reason, code)
            VALUES($time, $rid, $kid, $owner, $role, $remote, $action, $target, $outcome, $status, $dur, $cpu, $mem, $reason, $code)
            """;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "$time", "$rid", "$kid", "$owner", "$role", "$remote", "$action", "$target", "$outcome", "$status", "$dur", "$cpu", "$mem", "$reason", "$code" })
            p[name] = cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        cmd.Prepare();
        foreach (var a in records)
        {
            p["$time"].Value = a.Time.ToUnixTimeMilliseconds();
            p["$rid"].Value = (object?)a.RequestId ?? DBNull.Value;
            p["$kid"].Value = (object?)a.KeyId ?? DBNull.Value;
            p["$owner"].Value = (object?)a.Owner ?? DBNull.Value;
            p["$role"].Value = (object?)a.Role ?? DBNull.Value;
            p["$remote"].Value = (object?)a.Remote ?? DBNull.Value;
            p["$action"].Value = a.Action;
            p["$target"].Value = (object?)a.Target ?? DBNull.Value;
            p["$outcome"].Value = a.Outcome;
            p["$status"].Value = a.Status;
            p["$dur"].Value = a.DurationMs;
            p["$cpu"].Value = (object?)a.CpuMs ?? DBNull.Value;
            p["$mem"].Value = (object?)a.PeakMemoryBytes ?? DBNull.Value;
            p["$reason"].Value = (object?)a.Reason ?? DBNull.Value;
            p["$code"].Value = (object?)a.Code ?? DBNull.Value;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public IReadOnlyList<AuditRecord> QueryAudit(AuditQuery q)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        var where = new List<string>();
        if (q.BeforeId is { } before) { where.Add("id < $before"); cmd.Parameters.AddWithValue("$before", before); }
        if (q.Owner is { } owner) { where.Add("owner = $owner"); cmd.Parameters.AddWithValue("$owner", owner); }
        if (q.KeyId is { } kid) { where.Add("key_id = $kid"); cmd.Parameters.AddWithValue("$kid", kid); }
        if (q.Action is { } action) { where.Add("action = $action"); cmd.Parameters.AddWithValue("$action", action); }
        cmd.CommandText = "SELECT id, time, request_id, key_id, owner, role, remote, action, target, outcome, status, duration_ms, cpu_ms, peak_memory_bytes, reason, code FROM audit"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id DESC LIMIT $limit";
        cmd.Parameters.AddWithValue("$limit", Math.Clamp(q.Limit, 1, 1000));
        using var r = cmd.ExecuteReader();
        var list = new List<AuditRecord>();
        while (r.Read())
        {
            list.Add(new AuditRecord
            {
                Id = r.GetInt64(0),
                Time = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
                RequestId = Str(r, 2),
                KeyId = Str(r, 3),
                Owner = Str(r, 4),
                Role = Str(r, 5),
                Remote = Str(r, 6),
                Action = r.GetString(7),
                Target = Str(r, 8),
                Outcome = r.GetString(9),
                Status = r.GetInt32(10),
                DurationMs = r.GetDouble(11),
                CpuMs = r.IsDBNull(12) ? null : r.GetDouble(12),
                PeakMemoryBytes = r.IsDBNull(13) ? null : r.GetInt64(13),
                Reason = Str(r, 14),
                Code = Str(r, 15),
            });
        }
        return list;
    }

    public long CountAudit()
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM audit";
        return (long)cmd.ExecuteScalar()!;
    }

    public int DeleteAuditBefore(DateTimeOffset cutoff)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM audit WHERE time < $cutoff";
        cmd.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        return cmd.ExecuteNonQuery();
    }

    public void UpsertSession(SessionRecord s)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT INTO sessions(id, owner, key_id, language, state, created_at, ended_at, end_reason, limits)
            VALUES($id, $owner, $kid, $lang, $state, $created, $ended, $reason, $limits)
            ON CONFLICT(id) DO UPDATE SET
                key_id = coalesce(sessions.key_id, excluded.key_id),
                limits = coalesce(sessions.limits, excluded.limits),
                ended_at = CASE WHEN sessions.state = 'live' THEN excluded.ended_at ELSE sessions.ended_at END,
                end_reason = CASE WHEN sessions.state = 'live' THEN excluded.end_reason ELSE sessions.end_reason END,
                state = CASE WHEN sessions.state = 'live' THEN excluded.state ELSE sessions.state END
            """;
        cmd.Parameters.AddWithValue("$id", s.Id);
        cmd.Parameters.AddWithValue("$owner", s.Owner);
        cmd.Parameters.AddWithValue("$kid", (object?)s.KeyId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$lang", s.Language);
        cmd.Parameters.AddWithValue("$state", s.State);
        cmd.Parameters.AddWithValue("$created", s.CreatedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$ended", (object?)s.EndedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$reason", (object?)s.EndReason ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$limits", (object?)s.LimitsJson ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    public SessionRecord? FindSession(string id)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, owner, key_id, language, state, created_at, ended_at, end_reason, limits FROM sessions WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadSession(r) : null;
    }

    public IReadOnlyList<SessionRecord> ListSessions(string? owner, bool liveOnly)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        var where = new List<string>();
        if (owner is not null) { where.Add("owner = $owner"); cmd.Parameters.AddWithValue("$owner", owner); }
        if (liveOnly) where.Add("state = 'live'");
        cmd.CommandText = "SELECT id, owner, key_id, language, state, created_at, ended_at, end_reason, limits FROM sessions"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY created_at DESC LIMIT 1000";
        using var r = cmd.ExecuteReader();
        var list = new List<SessionRecord>();
        while (r.Read()) list.Add(ReadSession(r));
        return list;
    }

    public int MarkLiveSessionsLost(DateTimeOffset at)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE sessions SET state = 'lost', ended_at = $at, end_reason = 'server-restart' WHERE state = 'live'";
        cmd.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        return cmd.ExecuteNonQuery();
    }

    private static SessionRecord ReadSession(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Owner = r.GetString(1),
        KeyId = Str(r, 2),
        Language = r.GetString(3),
        State = r.GetString(4),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        EndedAt = r.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        EndReason = Str(r, 7),
        LimitsJson = Str(r, 8),
    };

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
}
