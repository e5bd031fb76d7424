namespace Warden.Checks.Sql;

/// <summary>
/// SQLite's own authorizer, called for every action a statement would take while it is being
/// prepared. It allows reading and nothing else: SELECT, column reads, recursive CTEs,
/// functions other than those that reach outside the database, and an allow-list of pragmas
/// that only report. The first denial is kept so the refusal can say what was attempted.
/// </summary>
internal sealed class SqliteAuthorizer
{
    private const int Ok = 0;
    private const int Deny = 1;

    // Action codes from sqlite3.h.
    private const int Pragma = 19, Read = 20, Select = 21, Function = 31, Recursive = 33;

    /// <summary>Pragmas that only report, and accept an argument (a table or index name, a limit).</summary>
    private static readonly HashSet<string> ReportingPragmasWithArgument = new(StringComparer.OrdinalIgnoreCase)
    {
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
        "foreign_key_check", "integrity_check", "quick_check",
    };

    /// <summary>Pragmas that report when read without an argument (and write with one).</summary>
    private static readonly HashSet<string> ReportingPragmas = new(StringComparer.OrdinalIgnoreCase)
    {
        "database_list", "collation_list", "function_list", "module_list", "pragma_list", "compile_options", "user_version",
        "application_id", "schema_version", "page_count", "page_size", "freelist_count", "encoding", "data_version",
        "journal_mode", "foreign_keys", "query_only", "max_page_count", "auto_vacuum",
    };

    /// <summary>Functions that reach outside the database or load code.</summary>
    private static readonly HashSet<string> DeniedFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "sqlite_dbpage", "zipfile", "shell_exec", "system",
    };

    private static readonly Dictionary<int, (string Reason, string What)> Actions = new()
    {
        [1] = ("schema", "CREATE INDEX"), [2] = ("schema", "CREATE TABLE"), [3] = ("schema", "CREATE TEMP INDEX"),
        [4] = ("schema", "CREATE TEMP TABLE"), [5] = ("schema", "CREATE TEMP TRIGGER"), [6] = ("schema", "CREATE TEMP VIEW"),
        [7] = ("schema", "CREATE TRIGGER"), [8] = ("schema", "CREATE VIEW"), [9] = ("write", "DELETE"),
        [10] = ("schema", "DROP INDEX"), [11] = ("schema", "DROP TABLE"), [12] = ("schema", "DROP TEMP INDEX"),
        [13] = ("schema", "DROP TEMP TABLE"), [14] = ("schema", "DROP TEMP TRIGGER"), [15] = ("schema", "DROP TEMP VIEW"),
        [16] = ("schema", "DROP TRIGGER"), [17] = ("schema", "DROP VIEW"), [18] = ("write", "INSERT"), [19] = ("pragma", "PRAGMA"),
        [22] = ("transaction", "transaction control"), [23] = ("write", "UPDATE"), [24] = ("attach", "ATTACH"),
        [25] = ("attach", "DETACH"), [26] = ("schema", "ALTER TABLE"), [27] = ("write", "REINDEX"), [28] = ("write", "ANALYZE"),
        [29] = ("schema", "CREATE VIRTUAL TABLE"), [30] = ("schema", "DROP VIRTUAL TABLE"), [31] = ("function", "a function"),
        [32] = ("transaction", "SAVEPOINT"), [0] = ("write", "COPY"),
    };

    /// <summary>The first thing denied, as (reason, description).</summary>
    public (string Reason, string What)? Denied { get; private set; }

    public int Authorize(object userData, int action, string? p1, string? p2, string? database, string? trigger)
    {
        var allowed = action switch
        {
            Select or Read or Recursive => true,
            Function => p2 is not null && !DeniedFunctions.Contains(p2),
            Pragma => p1 is not null && (ReportingPragmasWithArgument.Contains(p1) || (p2 is null && ReportingPragmas.Contains(p1))),
            _ => false,
        };
        if (allowed) return Ok;
        if (Denied is null)
        {
            var (reason, what) = Actions.GetValueOrDefault(action, ("write", $"action {action}"));
            if (p1 is "sqlite_master" or "sqlite_schema" or "sqlite_temp_master" or "sqlite_temp_schema" && reason == "write")
                (reason, what) = ("schema", "a schema change");
            var detail = action switch
            {
                Function => $"{what} '{p2}'",
                Pragma => p2 is null ? $"PRAGMA {p1}" : $"PRAGMA {p1} = {p2}",
                24 => "ATTACH of another database",
                _ => p1 is null || reason == "schema" && what == "a schema change" ? what : $"{what} on '{p1}'",
            };
            Denied = (reason, detail);
        }
        return Deny;
    }
}
