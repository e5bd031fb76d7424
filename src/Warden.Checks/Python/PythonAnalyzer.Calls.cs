using Warden.Checks.Analysis;

namespace Warden.Checks.Python;

internal sealed partial class PythonAnalyzer
{
    private Value Call(Value callee, int open, in Token at)
    {
        var args = T.Arguments(open);
        var positional = args.Where(a => !IsKeywordOrStarArgument(a)).ToList();
        Value Arg(int k) => k < positional.Count ? EvalWhole(positional[k]) : Value.Unknown;

        if (callee.Method is { } method) return CallMethod(callee.Receiver!, method, positional, Arg);

        switch (callee.Symbol)
        {
            case "builtins.__import__" or "importlib.__import__":
                return ImportCall(positional, callee.Symbol, topLevel: true, at);
            case "importlib.import_module":
                return ImportCall(positional, callee.Symbol, topLevel: false, at);
            case "builtins.getattr" or "builtins.setattr" or "builtins.delattr" or "builtins.hasattr":
                return GetattrCall(callee.Symbol["builtins.".Length..], positional);
            case "builtins.exec" or "builtins.eval" or "builtins.compile" or "builtins.execfile":
                ExecCall(callee.Symbol["builtins.".Length..], positional, at);
                return Value.Unknown;
            case "shutil.rmtree" or "os.removedirs" when Arg(0).Text is { } root && SuspiciousText.IsSystemDirectory(root):
                Sink.Add(PyRules.RmRoot, at, $"{callee.Symbol} deletes {SuspiciousText.NormalizePath(root)}");
                return Value.Unknown;
            case "builtins.chr":
                return Arg(0).Number is { } n ? CharOf(n) : Value.Unknown;
            case "builtins.bytes" or "builtins.bytearray" or "builtins.str":
                return BytesOf(Arg(0));
            case "builtins.bytes.fromhex" or "binascii.unhexlify" or "binascii.a2b_hex" or "base64.b16decode":
                return Decoded(Arg(0), Decoders.Hex);
            case "base64.b64decode" or "base64.standard_b64decode" or "base64.urlsafe_b64decode" or "base64.decodebytes"
                or "base64.decodestring" or "binascii.a2b_base64":
                return Decoded(Arg(0), Decoders.Base64);
            case "base64.b32decode" or "base64.b85decode" or "base64.a85decode" or "zlib.decompress" or "gzip.decompress"
                or "bz2.decompress" or "lzma.decompress" or "marshal.loads" or "pickle.loads":
                return Value.DecodedUnknown;
            case "codecs.decode" or "codecs.encode":
                return Arg(1).Text?.ToLowerInvariant().Replace('-', '_') switch
                {
                    "rot13" or "rot_13" => Decoded(Arg(0), Decoders.Rot13),
                    "base64" or "base_64" => Decoded(Arg(0), Decoders.Base64),
                    "hex" => Decoded(Arg(0), Decoders.Hex),
                    _ => Arg(0) with { Decoded = true },
                };
            case "urllib.parse.unquote" or "urllib.parse.unquote_plus":
                return Decoded(Arg(0), Decoders.Percent);
            case "builtins.map" when Arg(0).Symbol == "builtins.chr" && Arg(1).Items is { } codes && codes.All(c => c.Number is not null):
                return new Value { Items = codes.Select(c => CharOf(c.Number!.Value)).ToList() };
            case "builtins.reversed":
                var r = Arg(0);
                if (r.Text is { } rt) return new Value { Items = Chars(Decoders.Reverse(rt)) };
                return r.Items is { } ri ? r with { Items = ri.Reverse().ToList() } : Value.Unknown;
            case "builtins.list" or "builtins.tuple":
                return Arg(0);
            case "builtins.globals" or "builtins.locals":
                return Value.Of(callee.Symbol + "()");
            case "builtins.vars":
                if (positional.Count == 0) return Value.Of("builtins.locals()");
                return Arg(0).Symbol is { } owner ? Value.Of(owner + ".__dict__") : Value.Unknown;
            default:
                return Value.Unknown;
        }
    }

    private bool IsKeywordOrStarArgument(Range a)
    {
        var first = T.At(a.Start.Value);
        return first.IsOp("*") || first.IsOp("**") || (first.Kind == TokenKind.Name && T.At(a.Start.Value + 1).IsOp("="));
    }

    /// <summary><c>bytes([111, 115])</c> and <c>str(x)</c> of known values.</summary>
    private static Value BytesOf(Value v)
    {
        if (v.Text is not null) return v;
        if (v.Items is { } items && items.All(i => i.Number is >= 0 and < 256))
            return Value.String(new string(items.Select(i => (char)i.Number!.Value).ToArray()), built: true, decoded: v.Decoded);
        return Value.UnknownFrom(v);
    }

    private static Value CallMethod(Value receiver, string method, List<Range> positional, Func<int, Value> arg)
    {
        var text = receiver.Text;
        switch (method)
        {
            case "join" when text is not null:
                var seq = arg(0);
                return Join(seq.Items ?? (seq.Text is { } st ? Chars(st) : null), text, seq.Decoded);
            case "decode" or "encode" when text is not null:
                return receiver;
            case "replace" when text is not null && arg(0).Text is { Length: > 0 } from && arg(1).Text is { } to:
                return Value.String(text.Replace(from, to, StringComparison.Ordinal), built: true, decoded: receiver.Decoded);
            case "lower" or "upper" or "swapcase" or "strip" or "lstrip" or "rstrip" when text is not null:
                var changed = method switch
                {
                    "lower" => text.ToLowerInvariant(),
                    "upper" => text.ToUpperInvariant(),
                    "swapcase" => new string(text.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray()),
                    "strip" => text.Trim(),
                    "lstrip" => text.TrimStart(),
                    _ => text.TrimEnd(),
                };
                return Value.String(changed, built: true, decoded: receiver.Decoded);
            case "format" when text is not null:
                var values = Enumerable.Range(0, positional.Count).Select(arg).ToList();
                if (values.Any(v => v.Text is null)) return Value.Unknown;
                var formatted = text;
                for (var k = 0; k < values.Count; k++)
                    formatted = formatted.Replace("{" + k + "}", values[k].Text, StringComparison.Ordinal);
                var idx = 0;
                while (formatted.Contains("{}", StringComparison.Ordinal) && idx < values.Count)
                {
                    var at = formatted.IndexOf("{}", StringComparison.Ordinal);
                    formatted = formatted[..at] + values[idx++].Text + formatted[(at + 2)..];
                }
                return Value.String(formatted, built: true, decoded: values.Any(v => v.Decoded));
            default:
                return Value.UnknownFrom(receiver);
        }
    }

    private Value ImportCall(List<Range> positional, string via, bool topLevel, in Token at)
    {
        if (positional.Count == 0) return Value.Unknown;
        var key = EvalWhole(positional[0]);
        return ImportByName(key, T.At(positional[0].Start.Value), via + "(...)", topLevel);
    }

    /// <summary>An import whose module name is an expression: a literal is a warning, anything computed is blocked.</summary>
    private Value ImportByName(Value key, in Token at, string via, bool topLevel)
    {
        if (key.Text is not { } name)
        {
            Sink.Add(PyRules.DynamicImport, at, $"imports a module through {via} with a name computed at run time");
            return Value.Unknown;
        }
        if (key.Built || key.Decoded)
            Sink.Add(PyRules.DynamicImport, at, $"imports '{name}' through {via} with a name built at run time");
        else
            Sink.Add(PyRules.IndirectImport, at, $"imports '{name}' through {via}");
        CheckModule(name, at);
        var module = topLevel ? name.Split('.')[0] : name;
        return Value.Of(PythonSymbols.Normalize(module), isModule: true);
    }

    private Value GetattrCall(string verb, List<Range> positional)
    {
        if (positional.Count < 2) return Value.Unknown;
        var target = EvalWhole(positional[0]);
        var nameToken = T.At(positional[1].Start.Value);
        var name = EvalWhole(positional[1]);
        var onModule = target.IsModule || target.Symbol == "builtins";
        if (name.Text is not { } attr)
        {
            if (onModule)
                Sink.Add(PyRules.GetattrDangerous, nameToken, $"{verb} on module {target.Symbol} with a name computed at run time");
            else
                Sink.Add(PyRules.GetattrComputed, nameToken, $"{verb} with a name computed at run time");
            return Value.Unknown;
        }
        if (onModule && (name.Built || name.Decoded))
            Sink.Add(PyRules.GetattrDangerous, nameToken, $"{verb} on module {target.Symbol} with the name '{attr}' built at run time");
        var result = GetAttr(target, attr, nameToken);
        return verb == "getattr" ? result : Value.Unknown;
    }

    private void ExecCall(string verb, List<Range> positional, in Token at)
    {
        if (positional.Count == 0) return;
        var dynamic = verb == "eval" ? PyRules.EvalDynamic : PyRules.ExecDynamic;
        CheckCodeArgument(verb, positional[0], at, PythonSymbols.DecodeMarkers, (PyRules.ExecDecoded, PyRules.ExecLiteral, dynamic),
            Nesting < MaxNesting ? code => Analyze(code, Modules, Nesting + 1) : null);
    }
}
