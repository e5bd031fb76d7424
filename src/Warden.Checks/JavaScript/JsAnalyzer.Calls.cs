using Warden.Checks.Analysis;

namespace Warden.Checks.JavaScript;

internal sealed partial class JsAnalyzer
{
    private Value Call(Value callee, int open, in Token at)
    {
        var args = T.Arguments(open).Where(a => !T.At(a.Start.Value).IsOp("...")).ToList();
        Value Arg(int k) => k < args.Count ? EvalWhole(args[k]) : Value.Unknown;

        if (callee.Method is { } method) return CallMethod(callee.Receiver!, method, args.Count, Arg);

        switch (callee.Symbol)
        {
            case "require" or "import":
                return RequireCall(args, callee.Symbol == "import" ? "import()" : "require()");
            case "module.createRequire":
                return Value.Of("require");
            case "global.eval":
                if (args.Count > 0) ExecCall("eval", args[0], at);
                return Value.Unknown;
            case "global.Function":
                Sink.Add(JsRules.FunctionConstructor, at, "Function(...) compiles a string into code");
                if (args.Count > 0) ExecCall("Function", args[^1], at);
                return Value.Unknown;
            case "ctor":
                var body = args.Count > 0 ? Arg(args.Count - 1) : Value.Unknown;
                if (body.Text is not null || body.Built || body.Decoded)
                    Sink.Add(JsRules.FunctionConstructor, at, "calls a constructor with source text, as the Function constructor does");
                return Value.Unknown;
            case "global.setTimeout":
                var first = Arg(0);
                if (args.Count > 0 && (first.Text is not null || first.Decoded)) ExecCall("a timer", args[0], at);
                return Value.Unknown;
            case "fs.rm" or "fs.rmSync" or "fs.rmdir" or "fs.rmdirSync" or "fs.promises.rm" or "fs/promises.rm" or "fs.promises.rmdir" or "fs/promises.rmdir"
                when Arg(0).Text is { } root && SuspiciousText.IsSystemDirectory(root):
                Sink.Add(JsRules.RmRoot, at, $"{callee.Symbol} deletes {SuspiciousText.NormalizePath(root)}");
                return Value.Unknown;
            case "String.fromCharCode" or "String.fromCodePoint":
                var codes = Enumerable.Range(0, args.Count).Select(Arg).ToList();
                return codes.All(c => c.Number is not null)
                    ? Join(codes.Select(c => CharOf(c.Number!.Value)).ToList(), "", decoded: false)
                    : Value.Unknown;
            case "global.atob":
                return Decoded(Arg(0), Decoders.Base64);
            case "global.unescape":
                return Decoded(Arg(0), Decoders.Percent);
            case "Buffer.from":
                return Arg(1).Text switch
                {
                    "base64" or "base64url" => Decoded(Arg(0), Decoders.Base64),
                    "hex" => Decoded(Arg(0), Decoders.Hex),
                    _ => Arg(0).Items is { } bytes && bytes.All(b => b.Number is >= 0 and < 256)
                        ? Join(bytes.Select(b => CharOf(b.Number!.Value)).ToList(), "", decoded: false)
                        : Arg(0),
                };
            case "Reflect.get":
                return args.Count >= 2 ? Member(Arg(0), Arg(1), T.At(args[1].Start.Value)) : Value.Unknown;
            case "Reflect.apply" or "Reflect.construct":
                if (Arg(0).Symbol == "global.Function")
                    Sink.Add(JsRules.FunctionConstructor, at, "calls the Function constructor through Reflect");
                else if (Arg(0).Symbol == "global.eval")
                    Sink.Add(JsRules.EvalDynamic, at, "calls eval through Reflect");
                return Value.Unknown;
            default:
                return Value.Unknown;
        }
    }

    private static Value CallMethod(Value receiver, string method, int count, Func<int, Value> arg)
    {
        var text = receiver.Text;
        switch (method)
        {
            case "split" when text is not null && arg(0).Text == "":
                return new Value { Items = Chars(text), Decoded = receiver.Decoded };
            case "reverse" when receiver.Items is { } items:
                return receiver with { Items = items.Reverse().ToList() };
            case "join" when receiver.Items is { } items:
                return Join(items, count == 0 ? "," : arg(0).Text ?? ",", receiver.Decoded);
            case "toString" or "valueOf" or "trim" or "normalize" when text is not null:
                return method == "trim" ? receiver with { Text = text.Trim() } : receiver;
            case "toLowerCase" or "toUpperCase" when text is not null:
                return Value.String(method == "toLowerCase" ? text.ToLowerInvariant() : text.ToUpperInvariant(), built: true, decoded: receiver.Decoded);
            case "concat" when text is not null:
                var parts = Enumerable.Range(0, count).Select(arg).Prepend(receiver).ToList();
                return Join(parts, "", receiver.Decoded);
            case "replace" or "replaceAll" when text is not null && arg(0).Text is { Length: > 0 } from && arg(1).Text is { } to:
                var replaced = method == "replace" ? ReplaceFirst(text, from, to) : text.Replace(from, to, StringComparison.Ordinal);
                return Value.String(replaced, built: true, decoded: receiver.Decoded);
            default:
                return Value.UnknownFrom(receiver);
        }
    }

    private static string ReplaceFirst(string text, string from, string to)
    {
        var at = text.IndexOf(from, StringComparison.Ordinal);
        return at < 0 ? text : text[..at] + to + text[(at + from.Length)..];
    }

    /// <summary><c>require(x)</c> / <c>import(x)</c>: a literal is a normal load; anything computed or assembled is blocked.</summary>
    private Value RequireCall(List<Range> args, string via)
    {
        if (args.Count == 0) return Value.Unknown;
        var keyToken = T.At(args[0].Start.Value);
        var key = EvalWhole(args[0]);
        if (key.Text is not { } module)
        {
            Sink.Add(JsRules.DynamicRequire, keyToken, $"{via} of a module name computed at run time");
            return Value.Unknown;
        }
        if (key.Built || key.Decoded)
            Sink.Add(JsRules.DynamicRequire, keyToken, $"{via} of '{module}', a name built at run time");
        CheckModule(module, keyToken);
        return Value.Of(JsSymbols.NormalizeModule(module), isModule: true);
    }

    private void ExecCall(string verb, Range code, in Token at) =>
        CheckCodeArgument(verb, code, at, JsSymbols.DecodeMarkers, (JsRules.ExecDecoded, JsRules.ExecLiteral, JsRules.EvalDynamic),
            Nesting < MaxNesting ? text => Analyze(text, Modules, Nesting + 1) : null);
}
