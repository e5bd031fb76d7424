using Warden.Checks.Analysis;

namespace Warden.Checks.Python;

/// <summary>
/// The Python checker. It works on tokens, in two passes: the first records what each name is
/// bound to (imports with their aliases, star imports, simple assignments, walrus), the second
/// evaluates every expression as far as it can without running it (attribute chains, calls to
/// <c>__import__</c>/<c>getattr</c>/decoders, string folding) and reports what the rules match.
/// Comments never produce tokens and string contents are data, so neither raises false alarms.
/// </summary>
internal sealed partial class PythonAnalyzer : ExpressionAnalyzer
{
    private static readonly HashSet<string> Keywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ];

    private readonly List<string> _starModules = [];

    private PythonAnalyzer(string code, ModuleGate modules, int nesting) : base(PythonTokenizer.Tokenize(code), modules, nesting) { }

    protected override string ObfuscatedNameRule => PyRules.ObfuscatedName;

    protected override (string Denied, string NotAllowed) ModuleRules => (PyRules.ModuleDenied, PyRules.ModuleNotAllowed);

    public static IReadOnlyList<RawFinding> Analyze(string code, ModuleGate modules) => Analyze(code, modules, 0);

    private static IReadOnlyList<RawFinding> Analyze(string code, ModuleGate modules, int nesting)
    {
        var a = new PythonAnalyzer(code, modules, nesting);
        return a.Run(a.CollectBindings, a.Scan);
    }

    /// <summary>Pass 1: what names are bound to, in source order.</summary>
    private void CollectBindings()
    {
        for (var i = 0; i < T.Count; i++)
        {
            var t = T[i];
            if (t.Kind != TokenKind.Name) continue;
            if (t.Text == "import") { i = ImportStatement(i); continue; }
            if (t.Text == "from" && IsFromImport(i)) { i = FromImportStatement(i); continue; }
            var next = T.At(i + 1);
            if (next.IsOp(":=") || (next.IsOp("=") && (T.At(i - 1).IsOp("(") || T.At(i - 1).IsOp(","))))
                Bind(t.Text, i, EvalSum(i + 2).Value); // walrus, or a default parameter value (keyword arguments bind harmlessly too)
            else if (next.IsOp("=") && AtStatementStart(i))
            {
                var targets = new List<int> { i };
                var j = i + 2;
                while (T.At(j).Kind == TokenKind.Name && T.At(j + 1).IsOp("=")) { targets.Add(j); j += 2; }
                var value = EvalSum(j).Value;
                foreach (var target in targets) Bind(T[target].Text, target, value);
                i = j - 1;
            }
            else if (IsAugmentedAssignment(next))
                Bind(t.Text, i, Value.Unknown); // the value is no longer the literal
            else if (t.Text is "for" or "as" or "del")
                for (var j = i + 1; T.At(j).Kind == TokenKind.Name && !T.At(j).IsName("in"); j += T.At(j + 1).IsOp(",") ? 2 : 1)
                    Bind(T[j].Text, j, Value.Unknown);
        }
    }

    private bool AtStatementStart(int i) => i == 0 || T[i - 1].Kind == TokenKind.Newline || T[i - 1].IsOp(";") || T[i - 1].IsOp(":");

    /// <summary>Pass 2: evaluate every expression and report.</summary>
    private void Scan()
    {
        for (var i = 0; i < T.Count; i++)
        {
            var t = T[i];
            if (t.IsName("import")) { i = ImportStatement(i, report: true); continue; }
            if (t.IsName("from") && IsFromImport(i)) { i = FromImportStatement(i, report: true); continue; }
            if (t.Kind == TokenKind.String) CheckStringLiteral(t);
            if (IsExpressionStart(i)) EvalSum(i);
        }
    }

    private bool IsExpressionStart(int i)
    {
        var t = T[i];
        var prev = T.At(i - 1);
        // After '.', a name is an attribute; after a binary '+' or '%', the operand belongs to the sum already evaluated.
        if (prev.IsOp(".") || prev.IsOp("+") || prev.IsOp("%")) return false;
        switch (t.Kind)
        {
            case TokenKind.Name:
                if (Keywords.Contains(t.Text) || prev.IsName("def") || prev.IsName("class")) return false;
                return !T.At(i + 1).IsOp("="); // an assignment target or keyword argument
            case TokenKind.String:
                return !(prev.IsPlainString && t.IsPlainString); // 'a' 'b' is one literal, evaluated from its first part
            case TokenKind.Number:
                return true;
            case TokenKind.Operator when t.Text is "(" or "[":
                return !IsTrailerBracket(prev, Keywords);
            default:
                return false;
        }
    }

    private void CheckStringLiteral(in Token t)
    {
        if (t.Value is null) return;
        if (PythonSymbols.EscapeAttributes.Contains(t.Value))
            Sink.Add(PyRules.Introspection, t, $"the string '{t.Value}' names an attribute used to escape restricted Python");
        if (SuspiciousText.IsSensitivePath(t.Value))
            Sink.Add(PyRules.SensitivePath, t, $"names the sensitive path '{t.Value}'");
    }

    /// <summary>A module came into scope (import statement, __import__, importlib, sys.modules).</summary>
    private void CheckModule(string module, in Token at)
    {
        if (module.StartsWith('.')) return;
        CheckModuleLists(module, at, "imports");
        CheckNetworkModule(module, at);
    }

    private void CheckNetworkModule(string module, in Token at)
    {
        if (Modules.Candidates(module).Any(PythonSymbols.NetworkModules.Contains))
            Sink.Add(PyRules.Network, at, $"uses '{module}' for network access; the sandbox has no network unless the operator allows it");
    }

    /// <summary>A reference to a qualified name; reports it when a rule names it.</summary>
    private void CheckSymbol(string qualified, in Token at)
    {
        if (PythonSymbols.Lookup(qualified) is { } hit)
            Sink.Add(hit.Rule, at, $"{qualified} {hit.What}");
    }
}
