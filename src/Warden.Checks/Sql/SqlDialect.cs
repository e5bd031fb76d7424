namespace Warden.Checks.Sql;

/// <summary>The lexical differences that matter for splitting statements safely.</summary>
internal enum SqlDialect
{
    /// <summary>Flat <c>/* */</c> comments; identifiers in <c>"…"</c>, <c>[…]</c> and backticks; <c>X'…'</c> blobs.</summary>
    Sqlite,
    /// <summary>Nested comments, dollar quotes, <c>E'…'</c> escapes, <c>U&amp;"…"</c> identifiers, psql meta-commands.</summary>
    Postgres,
}
