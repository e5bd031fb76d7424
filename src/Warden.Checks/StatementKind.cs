using System.Text.Json.Serialization;

namespace Warden.Checks;

/// <summary>What a statement does, in increasing order of concern.</summary>
public enum StatementKind
{
    /// <summary>Reads data (or only controls a read-only transaction).</summary>
    [JsonStringEnumMemberName("read")]
    Read,
    /// <summary>Changes data or session state (INSERT, UPDATE, DELETE, COPY FROM STDIN, SET, locks, sequences).</summary>
    [JsonStringEnumMemberName("write")]
    Write,
    /// <summary>Changes the schema (CREATE, ALTER, DROP, SELECT INTO, COMMENT).</summary>
    [JsonStringEnumMemberName("schema")]
    Schema,
    /// <summary>
    /// Reaches outside the database or changes who may do what: COPY … PROGRAM, server files
    /// (pg_read_file, lo_import, COPY to/from a file), dblink, ALTER SYSTEM, roles and grants,
    /// extensions, untrusted languages, DO blocks, LOAD, psql meta-commands.
    /// </summary>
    [JsonStringEnumMemberName("dangerous")]
    Dangerous,
}
