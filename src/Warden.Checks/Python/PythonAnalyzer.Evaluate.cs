using System.Text;
using Warden.Checks.Analysis;

namespace Warden.Checks.Python;

internal sealed partial class PythonAnalyzer
{
    /// <summary>
    /// <c>primary (('+' | '%') primary)*</c>: enough arithmetic to fold the string building that
    /// obfuscated code uses. Anything else stops the sum; what follows is visited on its own.
    /// </summary>
    private (int End, Value Value) EvalSum(int start)
    {
        var (end, value) = EvalPrimary(start);
        if (end == start) return (end, value);
        var parts = 1;
        while (_t.At(end).IsOp("+") || _t.At(end).IsOp("%"))
        {
            var op = _t[end].Text;
            var (next, right) = EvalPrimary(end + 1);
            if (next == end + 1) break;
            value = op == "+" ? Concat(value, right) : Format(value, right);
            end = next;
            parts++;
        }
        if (parts > 1) CheckObfuscated(value, _t[start]);
        return (end, value);
    }

    private static Value Concat(Value a, Value b) =>
        a.Text is not null && b.Text is not null
            ? Value.String(a.Text + b.Text, built: true, decoded: a.Decoded || b.Decoded)
            : a.Decoded || b.Decoded ? Value.DecodedUnknown : Value.Unknown;

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

    /// <summary>An atom and its trailers (<c>.name</c>, <c>(args)</c>, <c>[index]</c>), memoised by start.</summary>
    private (int End, Value Value) EvalPrimary(int start)
    {
        if (_memo.TryGetValue(start, out var known)) return known;
        if (_evalDepth >= MaxEvalDepth) return (start, Value.Unknown);
        _evalDepth++;
        try
        {
            var (end, value) = Atom(start);
            if (end == start) return (start, Value.Unknown);
            while (true)
            {
                var t = _t.At(end);
                if (t.IsOp(".") && _t.At(end + 1).Kind == TokenKind.Name)
                {
                    value = GetAttr(value, _t[end + 1].Text, _t[end + 1]);
                    end += 2;
                }
                else if (t.IsOp("("))
                {
                    value = Call(value, end, _t.At(end - 1));
                    end = _t.Close(end) + 1;
                }
                else if (t.IsOp("["))
                {
                    value = Subscript(value, end);
                    end = _t.Close(end) + 1;
                }
                else break;
            }
            CheckObfuscated(value, _t[start]);
            _memo[start] = (end, value);
            return (end, value);
        }
        finally
        {
            _evalDepth--;
        }
    }

    private (int End, Value Value) Atom(int i)
    {
        var t = _t.At(i);
        switch (t.Kind)
        {
            case TokenKind.Name when !Keywords.Contains(t.Text):
                return (i + 1, ResolveName(t, i));
            case TokenKind.Number:
                return (i + 1, t.Value is { } n ? new Value { Number = long.Parse(n, System.Globalization.CultureInfo.InvariantCulture) } : Value.Unknown);
            case TokenKind.String:
                if (t.Interpolated) return (i + 1, Value.Unknown);
                var sb = new StringBuilder(t.Value);
                var j = i + 1;
                while (_t.At(j).IsPlainString) sb.Append(_t[j++].Value);
                return (j, Value.String(sb.ToString(), built: j - i > 1));
            case TokenKind.Operator when t.Text is "(" or "[":
                var close = _t.Close(i);
                var items = _t.Arguments(i).Select(EvalWhole).ToList();
                var tuple = t.Text == "[" || items.Count != 1 || _t.At(close - 1).IsOp(",");
                return (close + 1, tuple ? new Value { Items = items, Decoded = items.Any(x => x.Decoded) } : items[0]);
            case TokenKind.Operator when t.Text == "{":
                return (_t.Close(i) + 1, Value.Unknown);
            default:
                return (i, Value.Unknown);
        }
    }

    /// <summary>The value of a whole token range, or unknown when the range is more than a sum.</summary>
    private Value EvalWhole(Range range)
    {
        var (start, length) = range.GetOffsetAndLength(_t.Count);
        if (length >= 3 && _t[start].Kind == TokenKind.Name && _t[start + 1].IsOp(":=")) (start, length) = (start + 2, length - 2);
        if (length == 0) return Value.Unknown;
        var (end, value) = EvalSum(start);
        return end == start + length ? value : value.Decoded ? Value.DecodedUnknown : Value.Unknown;
    }

    private Value ResolveName(in Token t, int index)
    {
        var name = t.Text;
        if (_bindings.TryGetValue(name, out var list))
        {
            var value = Pick(list, index);
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
            _sink.Add(PyRules.Introspection, t, $"uses {name}, a classic route out of restricted Python");
            return name == "__builtins__" ? Value.Of("builtins", isModule: true) : Value.Unknown;
        }
        return PythonSymbols.Builtins.Contains(name) ? Value.Of("builtins." + name) : Value.Unknown;
    }

    /// <summary>
    /// Which binding a use sees: a name ever bound to a module or function is taken to be that
    /// (the dangerous reading wins); a name bound once to a string is that string; otherwise unknown.
    /// </summary>
    private static Value Pick(List<(int Index, Value Value)> bindings, int index)
    {
        var symbolic = bindings.Where(b => b.Value.Symbol is not null).ToList();
        if (symbolic.Count > 0)
            return symbolic.LastOrDefault(b => b.Index < index).Value ?? symbolic[0].Value;
        return bindings.Count == 1 ? bindings[0].Value : Value.Unknown;
    }

    private Value GetAttr(Value target, string attr, in Token at)
    {
        if (PythonSymbols.EscapeAttributes.Contains(attr))
            _sink.Add(PyRules.Introspection, at, $"reaches {attr}, a classic route out of restricted Python");
        else if (PythonSymbols.ReflectionAttributes.Contains(attr))
            _sink.Add(PyRules.Reflection, at, $"reflects through {attr}");

        if (target.Text is not null || target.Items is not null) return Value.BoundMethod(target, attr);
        if (target.Symbol is null) return target.Decoded ? Value.DecodedUnknown : Value.Unknown;
        var q = PythonSymbols.Normalize(target.Symbol + "." + attr);
        CheckSymbol(q, at);
        return Value.Of(q, isModule: PythonSymbols.IsKnownSubmodule(q));
    }

    private Value Subscript(Value target, int open)
    {
        var close = _t.Close(open);
        if (close - open == 5 && _t[open + 1].IsOp(":") && _t[open + 2].IsOp(":") && _t[open + 3].IsOp("-") && _t[open + 4].Text == "1")
        {
            if (target.Text is not null) return Value.String(Decoders.Reverse(target.Text), built: true, decoded: target.Decoded);
            if (target.Items is not null) return target with { Items = target.Items.Reverse().ToList() };
            return target.Decoded ? Value.DecodedUnknown : Value.Unknown;
        }
        var args = _t.Arguments(open);
        var key = args.Count == 1 ? EvalWhole(args[0]) : Value.Unknown;
        var keyToken = _t.At(open + 1);

        if (target.Symbol == "sys.modules") return ImportByName(key, keyToken, "sys.modules[...]", topLevel: false);
        if (IsNamespace(target))
        {
            if (key.Text is { } name) return LookupInNamespace(target, name, keyToken);
            if (target.IsModule || target.Symbol!.EndsWith(".__dict__", StringComparison.Ordinal))
                _sink.Add(PyRules.GetattrDangerous, keyToken, "indexes a module's namespace with a computed name");
            else
                _sink.Add(PyRules.Reflection, keyToken, $"indexes {target.Symbol} with a computed name");
            return Value.Unknown;
        }
        if (key.Number is { } k)
        {
            if (target.Items is { } items && k >= 0 && k < items.Count) return items[(int)k];
            if (target.Text is { } s && k >= 0 && k < s.Length) return Value.String(s[(int)k].ToString(), built: true, decoded: target.Decoded);
        }
        return target.Decoded ? Value.DecodedUnknown : Value.Unknown;
    }

    /// <summary>globals(), locals(), vars(x), x.__dict__ and builtins used as dicts.</summary>
    private static bool IsNamespace(Value v) => v.Symbol is { } s
        && (s is "builtins.globals()" or "builtins.locals()" or "builtins" || s.EndsWith(".__dict__", StringComparison.Ordinal));

    private Value LookupInNamespace(Value ns, string name, in Token at)
    {
        if (name == "__builtins__")
        {
            _sink.Add(PyRules.Introspection, at, "reaches __builtins__ through a namespace lookup");
            return Value.Of("builtins", isModule: true);
        }
        var owner = ns.Symbol!;
        if (owner.EndsWith(".__dict__", StringComparison.Ordinal))
            return GetAttr(Value.Of(owner[..^".__dict__".Length], isModule: true), name, at);
        if (owner == "builtins") return GetAttr(ns, name, at);
        if (_bindings.TryGetValue(name, out var list)) return Pick(list, int.MaxValue);
        return PythonSymbols.Builtins.Contains(name) ? GetAttr(Value.Of("builtins", isModule: true), name, at) : Value.Unknown;
    }
}
