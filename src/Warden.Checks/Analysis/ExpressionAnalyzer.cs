using System.Text;

namespace Warden.Checks.Analysis;

/// <summary>
/// What the Python and JavaScript checkers share: a token list, the findings, bindings in
/// source order, and a memoised evaluator of <c>primary (op primary)*</c> expressions whose
/// atoms, trailers and operators each language supplies. Evaluation depth is bounded, so
/// hostile nesting degrades to "unknown" instead of overflowing the stack.
/// </summary>
internal abstract class ExpressionAnalyzer
{
    private const int MaxEvalDepth = 64;

    private readonly Dictionary<int, (int End, Value Value)> _memo = [];
    private int _evalDepth;

    /// <summary>Code given to exec/eval is analysed again, this many levels deep at most.</summary>
    protected const int MaxNesting = 3;

    protected ExpressionAnalyzer(List<Token> tokens, ModuleGate modules, int nesting)
    {
        T = new TokenList(tokens);
        Modules = modules;
        Nesting = nesting;
    }

    protected TokenList T { get; }
    protected ModuleGate Modules { get; }

    /// <summary>How deep inside exec'd/eval'd literals this analysis is (0 for the program itself).</summary>
    protected int Nesting { get; }
    protected FindingSink Sink { get; } = new();
    protected Dictionary<string, NameBindings> Bindings { get; } = new(StringComparer.Ordinal);

    /// <summary>The rule for names of dangerous things built at run time.</summary>
    protected abstract string ObfuscatedNameRule { get; }

    /// <summary>The rules for a module the policy denies, and one outside its allow-list.</summary>
    protected abstract (string Denied, string NotAllowed) ModuleRules { get; }

    /// <summary>Reads an atom at <paramref name="i"/>; returns <c>End == i</c> when there is none.</summary>
    protected abstract (int End, Value Value) Atom(int i);

    /// <summary>Applies the trailer at <paramref name="end"/> (attribute, call, index) if there is one.</summary>
    protected abstract bool Trailer(ref int end, ref Value value);

    /// <summary>Whether <paramref name="op"/> continues a sum (see <see cref="Combine"/>).</summary>
    protected virtual bool IsSumOperator(string op) => op == "+";

    /// <summary>What a sum operator makes of its operands.</summary>
    protected virtual Value Combine(string op, Value left, Value right) => Concat(left, right);

    /// <summary>Runs pass 1 (silent, to collect bindings), then pass 2 (reporting).</summary>
    protected IReadOnlyList<RawFinding> Run(Action collectBindings, Action scan)
    {
        Sink.Silent = true;
        collectBindings();
        _memo.Clear();
        Sink.Silent = false;
        scan();
        return Sink.Items;
    }

    /// <summary>Reports what the policy's module lists say about <paramref name="module"/>.</summary>
    protected void CheckModuleLists(string module, in Token at, string verb)
    {
        switch (Modules.Check(module))
        {
            case ModuleVerdict.Denied:
                Sink.Add(ModuleRules.Denied, at, $"{verb} '{module}', which the policy denies");
                break;
            case ModuleVerdict.NotAllowed:
                Sink.Add(ModuleRules.NotAllowed, at, $"{verb} '{module}', which is not on the policy's allow-list");
                break;
        }
    }

    /// <summary><c>+=</c>, <c>|=</c>, <c>??=</c> and the like (not comparisons or arrows).</summary>
    protected static bool IsAugmentedAssignment(in Token t) =>
        t.Kind == TokenKind.Operator && t.Text.Length >= 2 && t.Text[^1] == '='
        && t.Text is not ("==" or "!=" or "<=" or ">=" or "===" or "!==" or "=>" or ":=");

    /// <summary>A <c>(</c> or <c>[</c> right after a name, string or closing bracket calls or indexes what precedes it.</summary>
    protected static bool IsTrailerBracket(in Token prev, IReadOnlySet<string> keywords) =>
        (prev.Kind == TokenKind.Name && !keywords.Contains(prev.Text)) || prev.Kind == TokenKind.String || prev.IsOp(")") || prev.IsOp("]");

    /// <summary>An integer literal's value (tokenizers put it in <see cref="Token.Value"/> when it fits a long).</summary>
    protected static Value NumberOf(in Token t) =>
        t.Value is { } n ? new Value { Number = long.Parse(n, System.Globalization.CultureInfo.InvariantCulture) } : Value.Unknown;

    protected void Bind(string name, int index, Value value)
    {
        if (!Bindings.TryGetValue(name, out var bindings)) Bindings[name] = bindings = new NameBindings();
        bindings.Add(index, value);
    }

    /// <summary><c>primary (op primary)*</c> for the operators <see cref="Combine"/> accepts.</summary>
    protected (int End, Value Value) EvalSum(int start)
    {
        var (end, value) = EvalPrimary(start);
        if (end == start) return (end, value);
        var parts = 1;
        while (T.At(end).Kind == TokenKind.Operator && IsSumOperator(T[end].Text))
        {
            var (next, right) = EvalPrimary(end + 1);
            if (next == end + 1) break;
            value = Combine(T[end].Text, value, right);
            end = next;
            parts++;
        }
        if (parts > 1) CheckObfuscated(value, T[start]);
        return (end, value);
    }

    /// <summary>An atom and its trailers, memoised by start.</summary>
    protected (int End, Value Value) EvalPrimary(int start)
    {
        if (_memo.TryGetValue(start, out var known)) return known;
        if (_evalDepth >= MaxEvalDepth) return (start, Value.Unknown);
        _evalDepth++;
        try
        {
            var (end, value) = Atom(start);
            if (end == start) return (start, Value.Unknown);
            while (Trailer(ref end, ref value)) { }
            CheckObfuscated(value, T[start]);
            _memo[start] = (end, value);
            return (end, value);
        }
        finally
        {
            _evalDepth--;
        }
    }

    /// <summary>The value of a whole token range; unknown when the range is more than a sum.</summary>
    protected virtual Value EvalWhole(Range range)
    {
        var (start, length) = range.GetOffsetAndLength(T.Count);
        if (length == 0) return Value.Unknown;
        var (end, value) = EvalSum(start);
        return end == start + length ? value : Value.UnknownFrom(value);
    }

    /// <summary>
    /// The text handed to exec/eval/Function: decoded or assembled text is <paramref name="rules"/>.Decoded,
    /// a literal is <paramref name="rules"/>.Literal (and its contents are analysed by <paramref name="nested"/>,
    /// with findings placed at the literal), anything else is <paramref name="rules"/>.Dynamic.
    /// </summary>
    protected void CheckCodeArgument(string verb, Range range, in Token at, IReadOnlySet<string> decodeMarkers,
        (string Decoded, string Literal, string Dynamic) rules, Func<string, IReadOnlyList<RawFinding>>? nested)
    {
        var argToken = T.At(range.Start.Value);
        var code = EvalWhole(range);
        if (code.Decoded || code.Built || T.AnyName(range, decodeMarkers))
        {
            Sink.Add(rules.Decoded, at, $"{verb} runs code that is decoded or assembled at run time");
            return;
        }
        if (code.Text is { } literal)
        {
            Sink.Add(rules.Literal, at, $"{verb} of a string literal");
            if (nested is not null)
                foreach (var f in nested(literal))
                    Sink.Add(f.RuleId, argToken.Line, argToken.Column, $"in the code passed to {verb}: {f.Message}", f.Suggestion);
            return;
        }
        Sink.Add(rules.Dynamic, at, $"{verb} of text computed at run time");
    }

    protected void CheckObfuscated(Value v, in Token at)
    {
        if (v.Text is { } text && (v.Built || v.Decoded) && SuspiciousText.DangerousNames.Contains(text.Trim()))
            Sink.Add(ObfuscatedNameRule, at, $"builds the name '{text.Trim()}' at run time instead of writing it");
    }

    protected static Value Concat(Value a, Value b) =>
        a.Text is not null && b.Text is not null
            ? Value.String(a.Text + b.Text, built: true, decoded: a.Decoded || b.Decoded)
            : a.Decoded || b.Decoded ? Value.DecodedUnknown : Value.Unknown;

    /// <summary>Applies a decoder to a known string; unknown (but marked decoded) otherwise.</summary>
    protected static Value Decoded(Value input, Func<string, string?> decode) =>
        input.Text is { } s && decode(s) is { } plain ? Value.String(plain, built: true, decoded: true) : Value.DecodedUnknown;

    /// <summary>A code point as a one-character string built at run time.</summary>
    protected static Value CharOf(long codePoint)
    {
        var sb = new StringBuilder();
        Decoders.AppendCodePoint(sb, codePoint);
        return Value.String(sb.ToString(), built: true);
    }

    /// <summary><c>[a, b].join(sep)</c> over known strings.</summary>
    protected static Value Join(IReadOnlyList<Value>? parts, string separator, bool decoded)
    {
        if (parts is null || parts.Any(p => p.Text is null)) return decoded ? Value.DecodedUnknown : Value.Unknown;
        return Value.String(string.Join(separator, parts.Select(p => p.Text)), built: true, decoded: decoded || parts.Any(p => p.Decoded));
    }

    /// <summary>The characters of a string as list items.</summary>
    protected static List<Value> Chars(string s) => s.Select(c => Value.String(c.ToString(), built: true)).ToList();
}
