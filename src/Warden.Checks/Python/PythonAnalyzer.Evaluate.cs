using System.Text;
using Warden.Checks.Analysis;

namespace Warden.Checks.Python;

internal sealed partial class PythonAnalyzer
{
    /// <summary>Sums fold string building: <c>'o' + 's'</c>, and <c>'%s%s' % ('o', 's')</c>.</summary>
    protected override bool IsSumOperator(string op) => op is "+" or "%";

    protected override Value Combine(string op, Value left, Value right) => op == "+" ? Concat(left, right) : Format(left, right);

    /// <summary><c>'%s%s' % ('o', 's')</c>.</summary>
    private static Value Format(Value format, Value args)
    {
        if (format.Text is null) return Value.Unknown;
        var items = args.Items ?? (args.Text is not null ? [args] : null);
        if (items is null || items.Any(x => x.Text is null)) return Value.Unknown;
        var sb = new StringBuilder();
        var k = 0;
        for (var i = 0; i < format.Text.Length; i++)
        {
            if (format.Text[i] == '%' && i + 1 < format.Text.Length && format.Text[i + 1] == 's' && k < items.Count)
            {
                sb.Append(items[k++].Text);
                i++;
            }
            else sb.Append(format.Text[i]);
        }
        return Value.String(sb.ToString(), built: true, decoded: items.Any(x => x.Decoded));
    }

    protected override bool Trailer(ref int end, ref Value value)
    {
        var t = T.At(end);
        if (t.IsOp(".") && T.At(end + 1).Kind == TokenKind.Name)
        {
            value = GetAttr(value, T[end + 1].Text, T[end + 1]);
            end += 2;
        }
        else if ((t.IsOp("(") || t.IsOp("[")) && T.IsMatched(end)) // an unbalanced bracket ends the expression
        {
            value = t.Text == "(" ? Call(value, end, T.At(end - 1)) : Subscript(value, end);
            end = T.Close(end) + 1;
        }
        else return false;
        return true;
    }

    protected override (int End, Value Value) Atom(int i)
    {
        var t = T.At(i);
        switch (t.Kind)
        {
            case TokenKind.Name when !Keywords.Contains(t.Text):
                return (i + 1, ResolveName(t, i));
            case TokenKind.Number:
                return (i + 1, NumberOf(t));
            case TokenKind.String:
                if (t.Interpolated) return (i + 1, Value.Unknown);
                var sb = new StringBuilder(t.Value);
                var j = i + 1;
                while (T.At(j).IsPlainString) sb.Append(T[j++].Value);
                return (j, Value.String(sb.ToString(), built: j - i > 1));
            case TokenKind.Operator when t.Text is "(" or "[":
                var close = T.Close(i);
                var items = T.Arguments(i).Select(EvalWhole).ToList();
                var tuple = t.Text == "[" || items.Count != 1 || T.At(close - 1).IsOp(",");
                return (close + 1, tuple ? new Value { Items = items, Decoded = items.Any(x => x.Decoded) } : items[0]);
            case TokenKind.Operator when t.Text == "{":
                return (T.Close(i) + 1, Value.Unknown);
            default:
                return (i, Value.Unknown);
        }
    }

    /// <summary>A whole range; a walrus <c>name := expr</c> has the value of <c>expr</c>.</summary>
    protected override Value EvalWhole(Range range)
    {
        var (start, length) = range.GetOffsetAndLength(T.Count);
        if (length >= 3 && T[start].Kind == TokenKind.Name && T[start + 1].IsOp(":=")) range = (start + 2)..(start + length);
        return base.EvalWhole(range);
    }

    private Value ResolveName(in Token t, int index)
    {
        var name = t.Text;
        if (Bindings.TryGetValue(name, out var list))
        {
            var value = list.At(index);
            if (value.Symbol is { } s) CheckSymbol(s, t);
            return value;
        }
        foreach (var module in _starModules)
        {
            if (!PythonSymbols.IsDangerousMember(module, name)) continue;
            var q = module + "." + name;
            CheckSymbol(q, t);
            return Value.Of(q);
        }
        if (PythonSymbols.EscapeAttributes.Contains(name))
        {
            Sink.Add(PyRules.Introspection, t, $"uses {name}, a classic route out of restricted Python");
            return name == "__builtins__" ? Value.Of("builtins", isModule: true) : Value.Unknown;
        }
        return PythonSymbols.Builtins.Contains(name) ? Value.Of("builtins." + name) : Value.Unknown;
    }

    private Value GetAttr(Value target, string attr, in Token at)
    {
        if (PythonSymbols.EscapeAttributes.Contains(attr))
            Sink.Add(PyRules.Introspection, at, $"reaches {attr}, a classic route out of restricted Python");
        else if (PythonSymbols.ReflectionAttributes.Contains(attr))
            Sink.Add(PyRules.Reflection, at, $"reflects through {attr}");

        if (target.Text is not null || target.Items is not null) return Value.BoundMethod(target, attr);
        if (target.Symbol is null || target.Symbol.Length > Value.MaxSymbolLength) return Value.UnknownFrom(target);
        var q = PythonSymbols.Normalize(target.Symbol + "." + attr);
        CheckSymbol(q, at);
        return Value.Of(q, isModule: PythonSymbols.IsKnownSubmodule(q));
    }

    private Value Subscript(Value target, int open)
    {
        var close = T.Close(open);
        if (close - open == 5 && T[open + 1].IsOp(":") && T[open + 2].IsOp(":") && T[open + 3].IsOp("-") && T[open + 4].Text == "1")
        {
            if (target.Text is not null) return Value.String(Decoders.Reverse(target.Text), built: true, decoded: target.Decoded);
            if (target.Items is not null) return target with { Items = target.Items.Reverse().ToList() };
            return Value.UnknownFrom(target);
        }
        var args = T.Arguments(open);
        var key = args.Count == 1 ? EvalWhole(args[0]) : Value.Unknown;
        var keyToken = T.At(open + 1);

        if (target.Symbol == "sys.modules") return ImportByName(key, keyToken, "sys.modules[...]", topLevel: false);
        if (IsNamespace(target))
        {
            if (key.Text is { } name) return LookupInNamespace(target, name, keyToken);
            if (target.IsModule || target.Symbol!.EndsWith(".__dict__", StringComparison.Ordinal))
                Sink.Add(PyRules.GetattrDangerous, keyToken, "indexes a module's namespace with a computed name");
            else
                Sink.Add(PyRules.Reflection, keyToken, $"indexes {target.Symbol} with a computed name");
            return Value.Unknown;
        }
        if (key.Number is { } k)
        {
            if (target.Items is { } items && k >= 0 && k < items.Count) return items[(int)k];
            if (target.Text is { } s && k >= 0 && k < s.Length) return Value.String(s[(int)k].ToString(), built: true, decoded: target.Decoded);
        }
        return Value.UnknownFrom(target);
    }

    /// <summary>globals(), locals(), vars(x), x.__dict__ and builtins used as dicts.</summary>
    private static bool IsNamespace(Value v) => v.Symbol is { } s
        && (s is "builtins.globals()" or "builtins.locals()" or "builtins" || s.EndsWith(".__dict__", StringComparison.Ordinal));

    private Value LookupInNamespace(Value ns, string name, in Token at)
    {
        if (name == "__builtins__")
        {
            Sink.Add(PyRules.Introspection, at, "reaches __builtins__ through a namespace lookup");
            return Value.Of("builtins", isModule: true);
        }
        var owner = ns.Symbol!;
        if (owner.EndsWith(".__dict__", StringComparison.Ordinal))
            return GetAttr(Value.Of(owner[..^".__dict__".Length], isModule: true), name, at);
        if (owner == "builtins") return GetAttr(ns, name, at);
        if (Bindings.TryGetValue(name, out var list)) return list.At(int.MaxValue);
        return PythonSymbols.Builtins.Contains(name) ? GetAttr(Value.Of("builtins", isModule: true), name, at) : Value.Unknown;
    }
}
