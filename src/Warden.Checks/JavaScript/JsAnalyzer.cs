using Warden.Checks.Analysis;

namespace Warden.Checks.JavaScript;

/// <summary>
/// The JavaScript checker, on tokens like the Python one: pass 1 records bindings
/// (<c>const</c>/<c>let</c>/<c>var</c>, destructuring, plain assignment, <c>import</c> declarations);
/// pass 2 evaluates expressions (member chains, computed members, <c>require</c>/<c>import()</c>,
/// decoders, string building) and reports what the rules match.
/// </summary>
internal sealed partial class JsAnalyzer : ExpressionAnalyzer
{
    private static readonly HashSet<string> Keywords =
    [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "export",
        "extends", "finally", "for", "function", "if", "import", "in", "instanceof", "let", "new", "return", "super", "switch",
        "this", "throw", "try", "typeof", "var", "void", "while", "with", "yield", "await", "of", "async", "null", "true",
        "false", "undefined",
    ];

    private JsAnalyzer(string code, ModuleGate modules, int nesting) : base(JsTokenizer.Tokenize(code), modules, nesting) { }

    protected override string ObfuscatedNameRule => JsRules.ObfuscatedName;

    protected override (string Denied, string NotAllowed) ModuleRules => (JsRules.ModuleDenied, JsRules.ModuleNotAllowed);

    public static IReadOnlyList<RawFinding> Analyze(string code, ModuleGate modules) => Analyze(code, modules, 0);

    private static IReadOnlyList<RawFinding> Analyze(string code, ModuleGate modules, int nesting)
    {
        var a = new JsAnalyzer(code, modules, nesting);
        return a.Run(a.CollectBindings, a.Scan);
    }

    private void CollectBindings()
    {
        for (var i = 0; i < T.Count; i++)
        {
            var t = T[i];
            if (t.Kind != TokenKind.Name) continue;
            if (IsImportDeclaration(i)) { i = ImportDeclaration(i, report: false); continue; }
            if (t.Text is "const" or "let" or "var") { i = Declarations(i + 1); continue; }
            if (Keywords.Contains(t.Text) || T.At(i - 1).IsOp(".") || T.At(i - 1).IsOp("?.")) continue;
            var next = T.At(i + 1);
            if (next.IsOp("=")) Bind(t.Text, i, EvalSum(i + 2).Value);
            else if (IsAugmentedAssignment(next))
                Bind(t.Text, i, Value.Unknown);
        }
    }

    /// <summary><c>a = x, {b, c: d} = y, [e] = z</c> after <c>const</c>/<c>let</c>/<c>var</c>; returns the last index consumed.</summary>
    private int Declarations(int j)
    {
        while (j < T.Count)
        {
            var t = T[j];
            if (t.Kind == TokenKind.Name && !Keywords.Contains(t.Text))
            {
                if (T.At(j + 1).IsOp("="))
                {
                    var (end, value) = EvalSum(j + 2);
                    Bind(t.Text, j, value);
                    j = end;
                }
                else { Bind(t.Text, j, Value.Unknown); j++; }
            }
            else if (t.IsOp("{") || t.IsOp("["))
            {
                var close = T.Close(j);
                var source = Value.Unknown;
                var end = close + 1;
                if (T.At(close + 1).IsOp("=")) (end, source) = EvalSum(close + 2);
                Destructure(j, source);
                j = end;
            }
            else return j - 1;
            if (!T.At(j).IsOp(",")) return j - 1;
            j++;
        }
        return j;
    }

    /// <summary>Binds the names of an object pattern to the source's properties (array patterns bind unknowns).</summary>
    private void Destructure(int open, Value source)
    {
        foreach (var property in T.Arguments(open))
        {
            var (start, length) = property.GetOffsetAndLength(T.Count);
            var key = T[start];
            if (key.IsOp("...") || T[open].IsOp("["))
            {
                foreach (var k in Enumerable.Range(start, length).Where(k => T[k].Kind == TokenKind.Name)) Bind(T[k].Text, k, Value.Unknown);
                continue;
            }
            var name = key.Kind == TokenKind.String ? key.Value : key.Text;
            var target = T.At(start + 1).IsOp(":") ? T.At(start + 2) : key;
            if (name is null || target.Kind != TokenKind.Name) continue;
            Bind(target.Text, start, source.Symbol is null ? Value.Unknown : GetAttr(source, name, key));
        }
    }

    private bool IsImportDeclaration(int i) => T[i].IsName("import") && !T.At(i + 1).IsOp("(") && !T.At(i + 1).IsOp(".");

    /// <summary><c>import x, {a as b} from 'm'</c>, <c>import * as ns from 'm'</c>, <c>import 'm'</c>.</summary>
    private int ImportDeclaration(int i, bool report)
    {
        var j = i + 1;
        var names = new List<(Token Local, string? Imported)>();
        for (; j < T.Count && !T[j].IsName("from") && T[j].Kind != TokenKind.String && !T[j].IsOp(";"); j++)
        {
            var t = T[j];
            if (t.IsOp("*") && T.At(j + 1).IsName("as") && T.At(j + 2).Kind == TokenKind.Name) { names.Add((T[j + 2], null)); j += 2; }
            else if (t.IsOp("{"))
            {
                foreach (var spec in T.Arguments(j))
                {
                    var (s, len) = spec.GetOffsetAndLength(T.Count);
                    var imported = T[s].Kind == TokenKind.String ? T[s].Value : T[s].Text;
                    names.Add((len >= 3 && T[s + 1].IsName("as") ? T[s + 2] : T[s], imported));
                }
                j = T.Close(j);
            }
            else if (t.Kind == TokenKind.Name && t.Text is not ("type" or "typeof")) names.Add((t, null));
        }
        if (T.At(j).IsName("from")) j++;
        if (T.At(j).Kind != TokenKind.String || T[j].Value is not { } module) return j;
        var moduleValue = Value.Of(JsSymbols.NormalizeModule(module), isModule: true);
        if (report) CheckModule(module, T[j]);
        else
            foreach (var (local, imported) in names)
                Bind(local.Text, j, imported is null ? moduleValue : GetAttr(moduleValue, imported, local));
        return j;
    }

    private void Scan()
    {
        for (var i = 0; i < T.Count; i++)
        {
            var t = T[i];
            if (IsImportDeclaration(i)) { i = ImportDeclaration(i, report: true); continue; }
            if (t.IsName("export")) ExportFrom(i);
            if (t.Kind == TokenKind.String && SuspiciousText.IsSensitivePath(t.Value))
                Sink.Add(JsRules.SensitivePath, t, $"names the sensitive path '{t.Value}'");
            if (IsExpressionStart(i)) EvalSum(i);
        }
    }

    /// <summary><c>export * from 'm'</c> and <c>export {a} from 'm'</c> load <c>m</c> too.</summary>
    private void ExportFrom(int i)
    {
        for (var j = i + 1; j < T.Count && j < i + 64 && !T[j].IsOp(";"); j++)
        {
            if (T[j].IsOp("{")) { j = T.Close(j); continue; }
            if (T[j].IsName("from") && T.At(j + 1).Kind == TokenKind.String && T[j + 1].Value is { } module)
            {
                CheckModule(module, T[j + 1]);
                return;
            }
            if (!T[j].IsOp("*") && !T[j].IsName("as") && T[j].Kind != TokenKind.Name) return;
        }
    }

    private bool IsExpressionStart(int i)
    {
        var t = T[i];
        var prev = T.At(i - 1);
        if (prev.IsOp(".") || prev.IsOp("?.") || prev.IsOp("+")) return false;
        switch (t.Kind)
        {
            case TokenKind.Name:
                if (t.Text is "new" or "import" or "this" or "super") return true;
                if (Keywords.Contains(t.Text) || prev.IsName("function") || prev.IsName("class")) return false;
                var next = T.At(i + 1);
                return !next.IsOp("=") && !(next.IsOp(":") && (prev.IsOp("{") || prev.IsOp(",")));
            case TokenKind.String:
                return true;
            case TokenKind.Operator when t.Text is "(" or "[":
                return !IsTrailerBracket(prev, Keywords);
            default:
                return false;
        }
    }

    private void CheckModule(string module, in Token at)
    {
        var m = JsSymbols.NormalizeModule(module);
        CheckModuleLists(m, at, "loads");
        var candidates = Modules.Candidates(m).ToList();
        if (candidates.Contains("fs"))
            Sink.Add(JsRules.Filesystem, at, $"loads '{module}' for file-system access");
        if (candidates.Any(JsSymbols.NetworkModules.Contains))
            Sink.Add(JsRules.Network, at, $"loads '{module}' for network access; the sandbox has no network unless the operator allows it");
    }

    private void CheckSymbol(string symbol, in Token at)
    {
        if (JsSymbols.ProcessInternals.Contains(symbol))
            Sink.Add(JsRules.ProcessInternals, at, $"{symbol} reaches Node internals");
        else if (symbol == "global.fetch")
            Sink.Add(JsRules.Network, at, "opens a network connection; the sandbox has no network unless the operator allows it");
    }
}
