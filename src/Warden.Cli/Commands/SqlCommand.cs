using System.CommandLine;
using Warden.Checks;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden sql DB "QUERY" [--json] [--timeout-ms N] [--max-rows N] [--max-bytes N]</c>: one read-only
/// query against a SQLite file, printed as a markdown table (or JSON). <c>--classify-postgres "SQL"</c>
/// labels PostgreSQL statements instead. Exits 1 when the query is refused or times out, 2 on usage errors.
/// </summary>
internal static class SqlCommand
{
    public static Command Create()
    {
        var database = new Argument<string?>("db") { Description = "Path of the SQLite database file (opened read-only).", Arity = ArgumentArity.ZeroOrOne };
        var query = new Argument<string?>("query") { Description = "One statement: SELECT, WITH … SELECT, VALUES, EXPLAIN or a reporting PRAGMA.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON instead of a markdown table." };
        var timeout = new Option<int>("--timeout-ms") { Description = "Time budget in milliseconds.", DefaultValueFactory = _ => 2000 };
        var maxRows = new Option<int>("--max-rows") { Description = "Rows returned at most.", DefaultValueFactory = _ => 1000 };
        var maxBytes = new Option<int>("--max-bytes") { Description = "Bytes of cell data returned at most.", DefaultValueFactory = _ => 1 << 20 };
        var classify = new Option<string?>("--classify-postgres") { Description = "Classify PostgreSQL SQL text (read, write, schema, dangerous) instead of running a query; exits 1 unless every statement is a read." };
        var command = new Command("sql", "A read-only SQL tool: query a SQLite file safely, or classify PostgreSQL statements.")
        {
            database, query, json, timeout, maxRows, maxBytes, classify,
        };
        command.Action = new CliAction(r =>
        {
            if (r.GetValue(classify) is { } text)
                return r.GetValue(database) is null ? Classify(text) : CliAction.UsageError("sql", "--classify-postgres takes the SQL itself; give no DB or QUERY.");
            if (r.GetValue(database) is not { } db || r.GetValue(query) is not { } sql)
                return CliAction.UsageError("sql", "Give a DB file and a QUERY.");
            var options = new SqlGuardOptions
            {
                Timeout = TimeSpan.FromMilliseconds(r.GetValue(timeout)),
                MaxRows = r.GetValue(maxRows),
                MaxBytes = r.GetValue(maxBytes),
            };
            return Query(db, sql, options, r.GetValue(json));
        });
        return command;
    }

    private static int Query(string db, string sql, SqlGuardOptions options, bool json)
    {
        try
        {
            var result = SqliteGuard.Query(db, sql, options);
            Console.Write(json ? result.ToJson(indented: true) + "\n" : result.ToMarkdown());
            return 0;
        }
        catch (Exception e) when (e is SqlRefusedException or SqlTimeoutException)
        {
            Console.Error.WriteLine($"warden sql: {e.Message}");
            return 1;
        }
        catch (InvalidRequestException e)
        {
            return CliAction.UsageError("sql", e.Message);
        }
    }

    private static int Classify(string sql)
    {
        var statements = PostgresClassifier.Classify(sql);
        foreach (var s in statements)
        {
            var oneLine = string.Join(' ', s.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            Console.WriteLine($"{s.Line}: {s.Kind.ToString().ToLowerInvariant(),-9} {oneLine}");
            foreach (var reason in s.Reasons) Console.WriteLine($"    {reason}");
        }
        return statements.Count > 0 && statements.All(s => s.Kind == StatementKind.Read) ? 0 : 1;
    }
}
