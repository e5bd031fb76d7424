namespace Warden.Checks.Sql;

/// <summary>Classifies one PostgreSQL statement from its tokens.</summary>
internal sealed class PostgresStatement
{
    private static readonly HashSet<string> ReadVerbs = ["select", "values", "table", "show", "fetch", "move", "close", "declare"];
    private static readonly HashSet<string> TransactionVerbs = ["begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release"];
    /// <summary>Words that start statements; none belongs inside transaction control.</summary>
    private static readonly HashSet<string> StatementVerbs =
        ["insert", "update", "delete", "merge", "truncate", "drop", "create", "alter", "copy", "grant", "revoke", "select", "do", "call", "set", "execute", "lock"];

    private static readonly HashSet<string> UntrustedLanguages = ["plpythonu", "plpython2u", "plpython3u", "plperlu", "pltclu", "c", "internal", "plsh", "pljavau", "plr"];
    private static readonly HashSet<string> CreateModifiers =
        ["or", "replace", "temp", "temporary", "unlogged", "global", "local", "materialized", "recursive", "trusted", "procedural", "unique", "constraint", "default"];

    private readonly List<SqlToken> _t;
    private readonly List<string> _reasons = [];
    private StatementKind _kind = StatementKind.Read;

    private PostgresStatement(List<SqlToken> tokens) => _t = tokens;

    public static (StatementKind Kind, IReadOnlyList<string> Reasons) Classify(List<SqlToken> tokens)
    {
        var s = new PostgresStatement(tokens);
        if (tokens[0].Kind == SqlTokenKind.MetaCommand)
            s.Raise(StatementKind.Dangerous, $"'{tokens[0].Value.Split(' ')[0]}' is a psql meta-command: it runs on the client (\\! runs a shell, \\copy reads and writes files)");
        else
        {
            var i = 0;
            while (i < tokens.Count && tokens[i].IsOp("(")) i++;
            s.Verb(i, "");
            s.Functions();
        }
        return (s._kind, s._reasons);
    }

    private void Raise(StatementKind kind, string why)
    {
        if (kind > _kind) _kind = kind;
        if (!_reasons.Contains(why)) _reasons.Add(why);
    }

    private SqlToken At(int i) => i >= 0 && i < _t.Count ? _t[i] : default;

    private string Word(int i) => At(i) is { Kind: SqlTokenKind.Word, Quoted: false } w ? w.Value : "";

    /// <summary>Unquoted words at parenthesis depth 0 from <paramref name="from"/>, with their indexes.</summary>
    private IEnumerable<(int Index, string Word)> TopLevelWords(int from)
    {
        var depth = 0;
        for (var i = from; i < _t.Count; i++)
        {
            if (_t[i].IsOp("(")) depth++;
            else if (_t[i].IsOp(")")) depth--;
            else if (depth == 0 && _t[i] is { Kind: SqlTokenKind.Word, Quoted: false } w) yield return (i, w.Value);
        }
    }

    private bool HasWords(int from, params string[] sequence)
    {
        for (var i = from; i + sequence.Length <= _t.Count; i++)
            if (sequence.Select((w, k) => Word(i + k) == w).All(x => x)) return true;
        return false;
    }

    private void Verb(int i, string prefix)
    {
        if (prefix.Length > 200)
        {
            // PREPARE … AS PREPARE … / EXPLAIN ANALYZE EXPLAIN ANALYZE …: nobody writes this; stop instead of recursing.
            Raise(StatementKind.Write, "statements nested too deeply to classify; treated as a write");
            return;
        }
        var verb = Word(i);
        var upper = verb.ToUpperInvariant();
        switch (verb)
        {
            case "select" or "with":
                if (verb == "with" && DataModifyingWith(i)) Raise(StatementKind.Write, prefix + "a WITH query that inserts, updates, deletes or merges");
                var words = TopLevelWords(i).ToList();
                if (words.Any(w => w.Word == "into") && !words.Any(w => w.Word is "insert" or "merge")) Raise(StatementKind.Schema, prefix + "SELECT … INTO creates a table");
                if (words.Select((w, k) => (w, k)).Any(x => x.w.Word == "for" && x.k + 1 < words.Count && words[x.k + 1].Word is "update" or "share" or "no" or "key"))
                    Raise(StatementKind.Write, prefix + "FOR UPDATE/SHARE locks rows");
                break;
            case "explain":
                Explain(i, prefix);
                break;
            case "insert" or "update" or "delete" or "merge" or "truncate":
                Raise(StatementKind.Write, $"{prefix}{upper} changes data");
                break;
            case "copy":
                Copy(i, prefix);
                break;
            case "call":
                Raise(StatementKind.Write, prefix + "CALL runs a procedure, which may write");
                break;
            case "do":
                Raise(StatementKind.Dangerous, prefix + "DO runs an anonymous procedural block");
                break;
            case "load":
                Raise(StatementKind.Dangerous, prefix + "LOAD loads a shared library into the server");
                break;
            case "prepare" when Word(i + 1) != "transaction":
                var asAt = TopLevelWords(i).FirstOrDefault(w => w.Word == "as").Index;
                if (asAt > 0) Verb(asAt + 1, prefix + "PREPARE of: ");
                else Raise(StatementKind.Write, prefix + "PREPARE without a statement we can read");
                break;
            case "execute":
                Raise(StatementKind.Write, prefix + "EXECUTE runs a prepared statement whose text is not visible here");
                break;
            case "set" or "reset":
                Set(i, verb, prefix);
                break;
            case "grant" or "revoke":
                Raise(StatementKind.Dangerous, $"{prefix}{upper} changes privileges");
                break;
            case "reassign":
                Raise(StatementKind.Dangerous, prefix + "REASSIGN OWNED changes object ownership");
                break;
            case "create" or "alter" or "drop":
                Ddl(i, verb, prefix);
                break;
            case "comment" or "security" or "import":
                Raise(StatementKind.Schema, $"{prefix}{upper} changes the catalog");
                break;
            case "lock":
                Raise(StatementKind.Write, prefix + "LOCK takes table locks");
                break;
            case "vacuum" or "analyze" or "analyse" or "cluster" or "reindex" or "checkpoint" or "refresh" or "discard" or "notify"
                or "listen" or "unlisten" or "deallocate" or "prepare":
                Raise(StatementKind.Write, $"{prefix}{upper} changes database or session state");
                break;
            default:
                if (ReadVerbs.Contains(verb)) break;
                if (TransactionVerbs.Contains(verb))
                {
                    if (HasWords(i, "read", "write")) Raise(StatementKind.Dangerous, prefix + "switches the transaction to read-write");
                    else if (TopLevelWords(i + 1).Any(w => StatementVerbs.Contains(w.Word)))
                        Raise(StatementKind.Write, prefix + "transaction control followed by another statement's words; treated as a write");
                    break;
                }
                var shown = verb.Length > 0 ? verb.ToUpperInvariant() : At(i).Kind == SqlTokenKind.Word ? "a quoted name" : "this text";
                Raise(StatementKind.Write, $"{prefix}{shown} is not a statement the classifier knows; treated as a write");
                break;
        }
    }

    /// <summary>INSERT/UPDATE/DELETE/MERGE anywhere in a WITH (data-modifying CTEs, or the main statement).</summary>
    private bool DataModifyingWith(int from)
    {
        for (var i = from; i < _t.Count; i++)
        {
            var w = Word(i);
            if (w is "insert" or "delete" or "merge") return true;
            if (w == "update" && Word(i - 1) is not ("for" or "key" or "no")) return true;
        }
        return false;
    }

    private void Explain(int i, string prefix)
    {
        var j = i + 1;
        var analyze = false;
        if (At(j).IsOp("("))
        {
            for (j++; j < _t.Count && !At(j).IsOp(")"); j++)
                if (Word(j) is "analyze" or "analyse" && Word(j + 1) is not ("false" or "off") && At(j + 1).Value != "0") analyze = true;
            j++;
        }
        else
            for (; Word(j) is "analyze" or "analyse" or "verbose"; j++)
                analyze |= Word(j) != "verbose";
        // Plain EXPLAIN only plans; EXPLAIN ANALYZE runs the statement.
        if (analyze) Verb(j, prefix + "EXPLAIN ANALYZE runs it: ");
    }

    private void Copy(int i, string prefix)
    {
        var words = TopLevelWords(i + 1).ToList();
        if (words.Any(w => w.Word == "program"))
        {
            Raise(StatementKind.Dangerous, prefix + "COPY … PROGRAM runs a shell command on the database server");
            return;
        }
        var direction = words.FirstOrDefault(w => w.Word is "from" or "to");
        var target = At(direction.Index + 1);
        var isFile = target.Kind == SqlTokenKind.String;
        switch (direction.Word)
        {
            case "from" when isFile: Raise(StatementKind.Dangerous, prefix + "COPY FROM a file reads the database server's files"); break;
            case "to" when isFile: Raise(StatementKind.Dangerous, prefix + "COPY TO a file writes the database server's files"); break;
            case "from": Raise(StatementKind.Write, prefix + "COPY FROM loads rows"); break;
            case "to": break; // COPY … TO STDOUT reads
            default: Raise(StatementKind.Write, prefix + "COPY without a direction the classifier can read"); break;
        }
    }

    private void Set(int i, string verb, string prefix)
    {
        var j = i + 1;
        while (Word(j) is "session" or "local" && Word(j + 1) != "authorization" && Word(j + 1) != "characteristics") j++;
        var name = Word(j) == "session" ? Word(j + 1) : Word(j);
        if (At(j).Kind == SqlTokenKind.Word && At(j).Quoted) name = At(j).Value.ToLowerInvariant();
        if (name is "role" or "authorization" || PostgresFunctions.GuardedSettings.Contains(name) || (verb == "reset" && name == "all"))
            Raise(StatementKind.Dangerous, $"{prefix}{verb.ToUpperInvariant()} {name} changes the role or undoes read-only or trigger restrictions");
        else if (name is "transaction" or "characteristics")
        {
            if (HasWords(j, "read", "write")) Raise(StatementKind.Dangerous, prefix + "switches transactions to read-write");
        }
        else Raise(StatementKind.Write, $"{prefix}{verb.ToUpperInvariant()} changes session settings");
    }

    private void Ddl(int i, string verb, string prefix)
    {
        var j = i + 1;
        while (CreateModifiers.Contains(Word(j))) j++;
        var what = Word(j);
        var object2 = Word(j + 1);
        var upper = verb.ToUpperInvariant();
        var dangerous = (what, object2) switch
        {
            ("system", _) => "ALTER SYSTEM rewrites the server's configuration",
            ("role" or "user" or "group", _) when !(what == "user" && object2 == "mapping") => $"{upper} {what.ToUpperInvariant()} changes roles",
            ("user", "mapping") or ("server", _) or ("foreign", "data") => $"{upper} of a foreign server or user mapping connects to other servers",
            ("extension", _) => $"{upper} EXTENSION loads code into the server",
            ("language", _) => $"{upper} LANGUAGE defines a procedural language",
            ("event", "trigger") => $"{upper} EVENT TRIGGER runs code on schema changes",
            ("subscription", _) => $"{upper} SUBSCRIPTION connects to another server",
            ("database" or "tablespace", _) when verb == "drop" => $"DROP {what.ToUpperInvariant()} destroys a whole {what}",
            ("owned", _) => "DROP OWNED drops everything a role owns",
            ("privileges", _) => "ALTER DEFAULT PRIVILEGES changes privileges",
            _ => null,
        };
        if (Word(i + 1) == "default" && Word(i + 2) == "privileges") dangerous = "ALTER DEFAULT PRIVILEGES changes privileges";
        if (dangerous is not null)
        {
            Raise(StatementKind.Dangerous, prefix + dangerous);
            return;
        }
        if (what is "function" or "procedure" && verb != "drop")
        {
            var at = TopLevelWords(j).FirstOrDefault(w => w.Word == "language").Index;
            var name = at > 0 ? (At(at + 1).Value ?? "").ToLowerInvariant() : "";
            if (UntrustedLanguages.Contains(name))
            {
                Raise(StatementKind.Dangerous, $"{prefix}a {what} in the untrusted language {name} runs arbitrary code on the server");
                return;
            }
        }
        Raise(StatementKind.Schema, $"{prefix}{upper} {(what.Length > 0 ? what.ToUpperInvariant() + " " : "")}changes the schema");
    }

    /// <summary>Calls anywhere in the statement: name(…), schema-qualified or quoted.</summary>
    private void Functions()
    {
        for (var i = 0; i + 1 < _t.Count; i++)
        {
            if (_t[i].Kind != SqlTokenKind.Word || !_t[i + 1].IsOp("(")) continue;
            var name = _t[i].Value;
            if (name == "set_config")
            {
                var setting = At(i + 2).Kind == SqlTokenKind.String ? At(i + 2).Value : "";
                if (PostgresFunctions.GuardedSettings.Contains(setting))
                    Raise(StatementKind.Dangerous, $"set_config('{setting}', …) changes the role or undoes read-only restrictions");
                else Raise(StatementKind.Write, "set_config changes a setting");
            }
            else if (PostgresFunctions.ByName.TryGetValue(name, out var hit))
                Raise(hit.Kind, $"{name}() {hit.What}");
        }
    }
}
