using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Warden.Checks.Sql;

namespace Warden.Checks;

/// <summary>
/// A read-only query tool for SQLite databases that cannot write, whatever the text. The
/// guarantee does not rest on reading the SQL: the file is opened read-only, <c>PRAGMA
/// query_only</c> is on, extension loading and ATTACH are disabled, defensive mode is on, and
/// SQLite's own authorizer denies every write, schema change, transaction, non-reporting pragma
/// and outward-reaching function while the statement is prepared; a statement SQLite itself does
/// not call read-only is refused too. On top, one statement per call, a time budget enforced by
/// SQLite's progress handler, and row and byte caps. Pure function; safe to call concurrently.
/// </summary>
public static class SqliteGuard
{
    // sqlite3.h
    private const int SqliteOk = 0, SqliteRow = 100, SqliteDone = 101, SqliteInterrupt = 9, SqliteTooBig = 18, SqliteAuth = 23;
    private const int DbConfigEnableLoadExtension = 1005, DbConfigDefensive = 1010, DbConfigTrustedSchema = 1017;
    private const int LimitLength = 0, LimitSqlLength = 1, LimitAttached = 7;
    private const int ProgressOpcodes = 1000;

    private static readonly HashSet<string> ReadingVerbs = ["select", "with", "values", "explain", "pragma"];

    /// <summary>Runs one read-only statement against the SQLite file at <paramref name="databasePath"/>.</summary>
    /// <param name="databasePath">Path of an existing database file.</param>
    /// <param name="sql">Exactly one statement: SELECT, WITH … SELECT, VALUES, EXPLAIN or a reporting PRAGMA.</param>
    /// <param name="options">Time budget and caps; the defaults when null.</param>
    /// <param name="cancellationToken">Interrupts the statement; surfaces as <see cref="OperationCanceledException"/>.</param>
    /// <returns>The columns and rows, possibly truncated by the caps.</returns>
    /// <exception cref="SqlRefusedException">The statement would write, change the schema, attach, load code, or there is not exactly one statement.</exception>
    /// <exception cref="SqlTimeoutException">The statement ran past <see cref="SqlGuardOptions.Timeout"/>.</exception>
    /// <exception cref="InvalidRequestException">The options are out of range, the file does not exist, or SQLite rejects the SQL as malformed.</exception>
    public static SqlQueryResult Query(string databasePath, string sql, SqlGuardOptions? options = null, CancellationToken cancellationToken = default) =>
        Query(databasePath, sql, options, cancellationToken, textLayer: true);

    /// <summary>
    /// <paramref name="textLayer"/> false skips the first, text-based layer, so tests can show
    /// that SQLite's own layers refuse every write on their own.
    /// </summary>
    internal static SqlQueryResult Query(string databasePath, string sql, SqlGuardOptions? options, CancellationToken cancellationToken, bool textLayer)
    {
        ArgumentNullException.ThrowIfNull(databasePath);
        ArgumentNullException.ThrowIfNull(sql);
        options ??= new SqlGuardOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        if (sql.Length > options.MaxSqlLength)
            throw new SqlRefusedException("too-long", $"The SQL is {sql.Length} characters; at most {options.MaxSqlLength} are accepted.");
        if (textLayer) CheckOneReadingStatement(sql);
        if (!File.Exists(databasePath))
            throw new InvalidRequestException("database", "The database file does not exist.");

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(databasePath),
            Mode = SqliteOpenMode.ReadOnly,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
        };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        var db = connection.Handle!;
        Harden(connection, db, options);

        var authorizer = new SqliteAuthorizer();
        var clock = options.TimeProvider;
        var started = clock.GetTimestamp();
        var timedOut = false;
        strdelegate_authorizer authorize = authorizer.Authorize;
        delegate_progress progress = _ =>
        {
            if (cancellationToken.IsCancellationRequested) return 1;
            if (clock.GetElapsedTime(started) <= options.Timeout) return 0;
            timedOut = true;
            return 1;
        };
        raw.sqlite3_set_authorizer(db, authorize, null);
        raw.sqlite3_progress_handler(db, ProgressOpcodes, progress, null);
        sqlite3_stmt? statement = null;
        try
        {
            var rc = raw.sqlite3_prepare_v2(db, sql, out statement, out string tail);
            if (authorizer.Denied is { } denied) throw Refused(denied.Reason, denied.What);
            if (rc != SqliteOk) throw Failed(db, rc, timedOut, options, cancellationToken);
            if (statement is null || statement.IsInvalid)
                throw new SqlRefusedException("empty", "There is no statement to run (only whitespace or comments).");
            if (HasCode(tail))
                throw new SqlRefusedException("multiple-statements", "The SQL tool is read-only and runs one statement per call; the text continues after the first one.");
            if (raw.sqlite3_stmt_readonly(statement) == 0)
                throw Refused("not-read-only", "a statement SQLite does not consider read-only");
            return Read(db, statement, options, cancellationToken, () => timedOut, clock, started);
        }
        finally
        {
            statement?.Dispose();
            raw.sqlite3_progress_handler(db, 0, null, null);
            raw.sqlite3_set_authorizer(db, (strdelegate_authorizer?)null, null);
            GC.KeepAlive(authorize);
            GC.KeepAlive(progress);
        }
    }

    /// <summary>The friendly first layer: one statement, starting with a reading verb. SQLite's own checks follow regardless.</summary>
    private static void CheckOneReadingStatement(string sql)
    {
        var statements = SqlTokenizer.Statements(SqlTokenizer.Tokenize(sql, SqlDialect.Sqlite));
        if (statements.Count == 0)
            throw new SqlRefusedException("empty", "There is no statement to run (only whitespace or comments).");
        if (statements.Count > 1)
            throw new SqlRefusedException("multiple-statements", $"The SQL tool is read-only and runs one statement per call; found {statements.Count}.");
        var first = statements[0].FirstOrDefault(t => !t.IsOp("("));
        if (first.Kind != SqlTokenKind.Word || first.Quoted || !ReadingVerbs.Contains(first.Value))
            throw Refused(first.Kind == SqlTokenKind.Word && !first.Quoted ? Verbs.ReasonFor(first.Value) : "write",
                $"{(first.Kind == SqlTokenKind.Word ? first.Value.ToUpperInvariant() : "this statement")}");
    }

    private static SqlRefusedException Refused(string reason, string what) =>
        new(reason, $"Refused: {what} is not allowed. The SQL tool is read-only: one SELECT, WITH … SELECT, VALUES, EXPLAIN or reporting PRAGMA per call.");

    private static void Harden(SqliteConnection connection, sqlite3 db, SqlGuardOptions options)
    {
        raw.sqlite3_db_config(db, DbConfigEnableLoadExtension, 0, out _);
        raw.sqlite3_db_config(db, DbConfigDefensive, 1, out _);
        raw.sqlite3_db_config(db, DbConfigTrustedSchema, 0, out _);
        raw.sqlite3_enable_load_extension(db, 0);
        raw.sqlite3_limit(db, LimitAttached, 0);
        raw.sqlite3_limit(db, LimitSqlLength, options.MaxSqlLength * 4 + 16);
        raw.sqlite3_limit(db, LimitLength, options.MaxBytes);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA query_only = ON";
        command.ExecuteNonQuery();
    }

    private static SqlQueryResult Read(sqlite3 db, sqlite3_stmt statement, SqlGuardOptions options, CancellationToken ct,
        Func<bool> timedOut, TimeProvider clock, long started)
    {
        var count = raw.sqlite3_column_count(statement);
        var columns = Enumerable.Range(0, count).Select(i => raw.sqlite3_column_name(statement, i).utf8_to_string() ?? "").ToList();
        var rows = new List<IReadOnlyList<object?>>();
        long bytes = 0;
        string? truncatedBy = null;
        while (true)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == SqliteDone) break;
            if (rc != SqliteRow) throw Failed(db, rc, timedOut(), options, ct);
            if (rows.Count == options.MaxRows) { truncatedBy = "max-rows"; break; }
            var row = new object?[count];
            long rowBytes = 0;
            for (var i = 0; i < count; i++)
            {
                (row[i], var size) = Cell(statement, i);
                rowBytes += size;
            }
            if (bytes + rowBytes > options.MaxBytes) { truncatedBy = "max-bytes"; break; }
            bytes += rowBytes;
            rows.Add(row);
        }
        return new SqlQueryResult { Columns = columns, Rows = rows, TruncatedBy = truncatedBy, Elapsed = clock.GetElapsedTime(started) };
    }

    private static (object? Value, long Size) Cell(sqlite3_stmt statement, int i)
    {
        switch (raw.sqlite3_column_type(statement, i))
        {
            case raw.SQLITE_INTEGER: return (raw.sqlite3_column_int64(statement, i), 8);
            case raw.SQLITE_FLOAT: return (raw.sqlite3_column_double(statement, i), 8);
            case raw.SQLITE_TEXT:
                var text = raw.sqlite3_column_text(statement, i).utf8_to_string() ?? "";
                return (text, raw.sqlite3_column_bytes(statement, i));
            case raw.SQLITE_BLOB:
                var blob = raw.sqlite3_column_blob(statement, i).ToArray();
                return (blob, blob.Length);
            default: return (null, 0);
        }
    }

    private static Exception Failed(sqlite3 db, int rc, bool timedOut, SqlGuardOptions options, CancellationToken ct)
    {
        if (rc == SqliteInterrupt)
        {
            ct.ThrowIfCancellationRequested();
            if (timedOut) return new SqlTimeoutException(options.Timeout);
        }
        var message = raw.sqlite3_errmsg(db).utf8_to_string();
        return (rc & 0xFF) switch
        {
            SqliteTooBig => new SqlRefusedException("too-big", $"A value is larger than the byte cap of {options.MaxBytes} bytes."),
            SqliteAuth => new SqlRefusedException("write", $"Refused by SQLite's authorizer: {message}."),
            _ => new InvalidRequestException("sql", $"SQLite could not run the statement: {message}."),
        };
    }

    /// <summary>Whether text left after the first statement holds anything but whitespace, comments and semicolons.</summary>
    private static bool HasCode(string? tail) =>
        !string.IsNullOrEmpty(tail) && SqlTokenizer.Tokenize(tail, SqlDialect.Sqlite).Any(t => !t.IsOp(";"));
}
