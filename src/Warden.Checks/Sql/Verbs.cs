namespace Warden.Checks.Sql;

/// <summary>Statement verbs and the refusal reason each gets in read-only mode.</summary>
internal static class Verbs
{
    public static string ReasonFor(string verb) => verb switch
    {
        "insert" or "update" or "delete" or "replace" or "upsert" or "merge" or "truncate" or "copy" or "vacuum" or "reindex"
            or "analyze" => "write",
        "create" or "drop" or "alter" => "schema",
        "attach" or "detach" => "attach",
        "begin" or "commit" or "end" or "rollback" or "savepoint" or "release" => "transaction",
        _ => "write",
    };
}
