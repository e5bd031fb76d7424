using Warden.Checks.Sql;

namespace Warden.Checks;

/// <summary>
/// Classifies PostgreSQL-dialect SQL text statement by statement: read, write, schema change
/// or dangerous. A real tokenizer finds the statements the way the server does (strings,
/// <c>E''</c> escapes, dollar quotes, quoted and <c>U&amp;""</c> identifiers, nested comments,
/// <c>BEGIN ATOMIC</c> bodies, psql meta-commands). This is a classifier, not a sandbox: a
/// user-defined function called from a SELECT can still write. Pair it with a read-only role
/// and <c>default_transaction_read_only</c> on the server.
/// </summary>
public static class PostgresClassifier
{
    /// <summary>Every statement in <paramref name="sql"/> with its kind and reasons, in order. Empty statements are skipped.</summary>
    public static IReadOnlyList<StatementClassification> Classify(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return SqlTokenizer.Statements(SqlTokenizer.Tokenize(sql, SqlDialect.Postgres))
            .Select(tokens =>
            {
                var (kind, reasons) = PostgresStatement.Classify(tokens);
                return new StatementClassification(sql[tokens[0].Start..tokens[^1].End], kind, reasons, tokens[0].Line);
            })
            .ToList();
    }

    /// <summary>Classifies <paramref name="sql"/> and refuses it unless every statement is a read.</summary>
    /// <returns>The classifications (all reads).</returns>
    /// <exception cref="SqlRefusedException">A statement is not a read, or there is none; the message lists each offender and why.</exception>
    public static IReadOnlyList<StatementClassification> EnsureReadOnly(string sql)
    {
        var statements = Classify(sql);
        if (statements.Count == 0)
            throw new SqlRefusedException("empty", "There is no statement to run (only whitespace or comments).");
        var offenders = statements.Select((s, i) => (s, i)).Where(x => x.s.Kind != StatementKind.Read).ToList();
        if (offenders.Count == 0) return statements;
        var worst = offenders.Max(x => x.s.Kind);
        var lines = offenders.Select(x => $"statement {x.i + 1} ({Clip(x.s.Text)}) is {Describe(x.s.Kind)}: {string.Join("; ", x.s.Reasons)}");
        throw new SqlRefusedException(worst.ToString().ToLowerInvariant(),
            $"Refused in read-only mode: {string.Join(". ", lines)}. Only reads may run.");
    }

    private static string Describe(StatementKind kind) => kind switch
    {
        StatementKind.Write => "a write",
        StatementKind.Schema => "a schema change",
        _ => "dangerous",
    };

    private static string Clip(string s)
    {
        var oneLine = string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= 60 ? oneLine : oneLine[..57] + "...";
    }
}
