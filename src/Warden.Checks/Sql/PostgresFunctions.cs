namespace Warden.Checks.Sql;

/// <summary>PostgreSQL functions whose call makes a statement more than a read.</summary>
internal static class PostgresFunctions
{
    public static readonly IReadOnlyDictionary<string, (StatementKind Kind, string What)> ByName = Build();

    /// <summary>Settings whose change through set_config undoes a read-only or role restriction.</summary>
    public static readonly IReadOnlySet<string> GuardedSettings = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "role", "session_authorization", "default_transaction_read_only", "transaction_read_only", "session_replication_role",
    };

    private static Dictionary<string, (StatementKind, string)> Build()
    {
        var d = new Dictionary<string, (StatementKind, string)>(StringComparer.Ordinal);
        void Add(StatementKind kind, string what, params string[] names)
        {
            foreach (var n in names) d[n] = (kind, what);
        }
        Add(StatementKind.Dangerous, "reads files on the database server", "pg_read_file", "pg_read_binary_file");
        Add(StatementKind.Dangerous, "inspects the database server's file system", "pg_ls_dir", "pg_ls_logdir", "pg_ls_waldir", "pg_ls_tmpdir",
            "pg_ls_archive_statusdir", "pg_stat_file", "pg_logdir_ls");
        Add(StatementKind.Dangerous, "reads a server file into a large object", "lo_import");
        Add(StatementKind.Dangerous, "writes a large object to a server file", "lo_export");
        Add(StatementKind.Dangerous, "runs SQL on another connection (dblink)", "dblink", "dblink_exec", "dblink_connect", "dblink_connect_u",
            "dblink_open", "dblink_send_query", "dblink_fetch", "dblink_get_result");
        Add(StatementKind.Dangerous, "writes server files (adminpack)", "pg_file_write", "pg_file_rename", "pg_file_unlink", "pg_file_sync");
        Add(StatementKind.Dangerous, "stops other sessions", "pg_terminate_backend", "pg_cancel_backend");
        Add(StatementKind.Dangerous, "controls the server", "pg_reload_conf", "pg_rotate_logfile", "pg_promote", "pg_switch_wal",
            "pg_create_restore_point", "pg_backup_start", "pg_start_backup", "pg_backup_stop", "pg_stop_backup", "pg_wal_replay_pause",
            "pg_wal_replay_resume");
        Add(StatementKind.Dangerous, "manages replication", "pg_create_physical_replication_slot", "pg_create_logical_replication_slot",
            "pg_drop_replication_slot", "pg_replication_origin_create", "pg_replication_origin_drop");
        Add(StatementKind.Dangerous, "runs SQL given as a string", "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema", "cursor_to_xml");
        Add(StatementKind.Write, "changes large objects", "lo_from_bytea", "lo_put", "lo_create", "lo_creat", "lo_unlink", "lowrite", "lo_truncate");
        Add(StatementKind.Write, "advances a sequence", "nextval", "setval");
        Add(StatementKind.Write, "takes advisory locks", "pg_advisory_lock", "pg_advisory_xact_lock", "pg_advisory_lock_shared",
            "pg_try_advisory_lock", "pg_try_advisory_xact_lock");
        Add(StatementKind.Write, "sends a notification", "pg_notify");
        Add(StatementKind.Write, "writes to the WAL", "pg_logical_emit_message");
        return d;
    }
}
