using Warden.Checks.Analysis;

namespace Warden.Checks.JavaScript;

internal sealed partial class JsAnalyzer
{
    protected override (int End, Value Value) Atom(int i)
    {
        var t = T.At(i);
        switch (t.Kind)
        {
            case TokenKind.Name when t.Text == "new":
                return EvalPrimary(i + 1); // new X(args) is, for our purposes, X(args)
            case TokenKind.Name when t.Text == "import":
                return (i + 1, Value.Of("import"));
            case TokenKind.Name when t.Text is "this" or "super":
                return (i + 1, Value.Unknown);
            case TokenKind.Name when Keywords.Contains(t.Text):
                return (i, Value.Unknown);
            case TokenKind.Name:
                return (i + 1, ResolveName(t, i));
            case TokenKind.Number:
                return (i + 1, NumberOf(t));
            case TokenKind.String:
                return (i + 1, t.Interpolated ? Value.Unknown : Value.String(t.Value ?? ""));
            case TokenKind.Regex:
                return (i + 1, Value.Unknown);
            case TokenKind.Operator when t.Text == "(":
                var close = T.Close(i);
                if (T.At(close + 1).IsOp("=>")) return (close + 1, Value.Unknown);
                var parts = T.Arguments(i);
                // The comma operator: (0, eval) is eval.
                return (close + 1, parts.Count == 0 ? Value.Unknown : EvalWhole(parts[^1]));
            case TokenKind.Operator when t.Text == "[":
                return (T.Close(i) + 1, ArrayLiteral(i));
            case TokenKind.Operator when t.Text == "{":
                return (T.Close(i) + 1, Value.Unknown);
            default:
                return (i, Value.Unknown);
        }
    }

    /// <summary><c>[a, b]</c> and <c>[...'str']</c>.</summary>
    private Value ArrayLiteral(int open)
    {
        var items = new List<Value>();
        foreach (var element in T.Arguments(open))
        {
            var (start, length) = element.GetOffsetAndLength(T.Count);
            if (T[start].IsOp("..."))
            {
                var spread = EvalWhole((start + 1)..(start + length));
                if (spread.Text is { } s) items.AddRange(Chars(s));
                else if (spread.Items is { } inner) items.AddRange(inner);
                else items.Add(Value.UnknownFrom(spread));
            }
            else items.Add(EvalWhole(element));
        }
        return new Value { Items = items, Decoded = items.Any(x => x.Decoded) };
    }

    protected override bool Trailer(ref int end, ref Value value)
    {
        var t = T.At(end);
        var optional = t.IsOp("?.");
        var next = T.At(end + 1);
        if ((t.IsOp(".") || optional) && next.Kind == TokenKind.Name)
        {
            value = GetAttr(value, next.Text, next);
            end += 2;
        }
        else if (t.IsOp("(") || t.IsOp("[") || (optional && (next.IsOp("(") || next.IsOp("["))))
        {
            var open = optional ? end + 1 : end;
            if (!T.IsMatched(open)) return false; // an unbalanced bracket ends the expression
            if (T[open].IsOp("("))
                value = Call(value, open, T.At(end - 1));
            else
            {
                var args = T.Arguments(open);
                value = Member(value, args.Count == 1 ? EvalWhole(args[0]) : Value.Unknown, T.At(open + 1));
            }
            end = T.Close(open) + 1;
        }
        else if (t.Kind == TokenKind.String && value.Symbol is not null)
        {
            value = Value.Unknown; // a tagged template
            end++;
        }
        else return false;
        return true;
    }

    private Value ResolveName(in Token t, int index)
    {
        if (Bindings.TryGetValue(t.Text, out var list))
        {
            var bound = list.At(index);
            if (bound.Symbol is { } s) CheckSymbol(s, t);
            return bound;
        }
        return Global(t.Text, t);
    }

    private Value Global(string name, in Token at)
    {
        if (!JsSymbols.Globals.TryGetValue(name, out var symbol)) return Value.Of("global." + name);
        CheckSymbol(symbol, at);
        return Value.Of(symbol);
    }

    private Value GetAttr(Value target, string attr, in Token at)
    {
        if (attr == "constructor")
        {
            if (target.Symbol is "ctor" or "global.Function")
            {
                Sink.Add(JsRules.FunctionConstructor, at, "constructor.constructor reaches the Function constructor");
                return Value.Of("global.Function");
            }
            if (target.Symbol == "module")
            {
                CheckSymbol("module.constructor", at);
                return Value.Of("module.constructor");
            }
            return Value.Of("ctor");
        }
        if (target.Text is not null || target.Items is not null) return Value.BoundMethod(target, attr);
        if (target.Symbol is not { } owner || owner.Length > Value.MaxSymbolLength) return Value.UnknownFrom(target);
        if (owner == "global") return Global(attr, at);
        var q = owner + "." + attr;
        if (JsSymbols.Aliases.TryGetValue(q, out var alias)) q = alias;
        CheckSymbol(q, at);
        return Value.Of(q);
    }

    /// <summary><c>target[key]</c>: a literal key is a plain member; a computed one on a guarded object is blocked.</summary>
    private Value Member(Value target, Value key, in Token keyToken)
    {
        var guarded = target.IsModule || (target.Symbol is { } s && JsSymbols.GuardedObjects.Contains(s));
        if (key.Text is { } name)
        {
            if (guarded && (key.Built || key.Decoded))
                Sink.Add(JsRules.ComputedGlobal, keyToken, $"reaches {target.Symbol}['{name}'] with a name built at run time");
            if (int.TryParse(name, out var n) && (target.Items is not null || target.Text is not null)) return Element(target, n);
            return GetAttr(target, name, keyToken);
        }
        if (key.Number is { } k) return Element(target, k);
        if (guarded)
            Sink.Add(JsRules.ComputedGlobal, keyToken, $"reaches {target.Symbol} through a property name computed at run time");
        return Value.UnknownFrom(target);
    }

    private static Value Element(Value target, long k)
    {
        if (target.Items is { } items && k >= 0 && k < items.Count) return items[(int)k];
        if (target.Text is { } s && k >= 0 && k < s.Length) return Value.String(s[(int)k].ToString(), built: true, decoded: target.Decoded);
        return Value.UnknownFrom(target);
    }
}
