using System.Text;
using Warden.Checks.Analysis;

namespace Warden.Checks.Shell;

internal sealed partial class ShellAnalyzer
{
    /// <summary>An interpreter reading its program from a pipe: from a download, from a decoder, or from generated text.</summary>
    private void AnalyzePipeline(List<(ShellCommand Command, List<(string? Text, ResolvedWord Word)> Argv)> pipeline)
    {
        var programs = pipeline.Select(c => Program(c.Argv)).ToList();
        string? fetcher = null;
        var decodes = false;
        for (var j = 0; j < pipeline.Count; j++)
        {
            var (name, args) = programs[j];
            if (j > 0 && name is not null && ShellCommands.Interpreters.Contains(name) && ReadsStdin(args))
            {
                var argv = pipeline[j].Argv;
                var at = argv[ShellCommands.SkipWrappers(argv.Select(a => a.Text).ToList())].Word.Token;
                if (fetcher is not null) Report(ShellRules.PipeToShell, at, $"pipes a download from {fetcher} into {name}");
                else if (decodes) Report(ShellRules.DecodeExec, at, $"pipes decoded text into {name}");
                else
                {
                    Report(ShellRules.StdinExec, at, $"pipes generated text into {name}");
                    if (j == 1 && programs[0] is { Name: "echo" or "printf" } source && source.Args.All(a => a is not null))
                    {
                        var text = Echo(source.Name, source.Args!);
                        if (ShellCommands.Shells.Contains(name)) AnalyzeText(text, at, $"{source.Name} pipes into {name}");
                        else if (ShellCommands.Embedded(name) is { } embedded) AnalyzeEmbedded(embedded.Language, text, at, $"{source.Name} pipes into {name}");
                    }
                }
            }
            if (name is not null && ShellCommands.Fetchers.Contains(name)) fetcher ??= name;
            decodes |= IsDecoder(name, args);
        }
    }

    private static (string? Name, List<string?> Args) Program(List<(string? Text, ResolvedWord Word)> argv)
    {
        var k = ShellCommands.SkipWrappers(argv.Select(a => a.Text).ToList());
        if (k >= argv.Count || argv[k].Text is not { } p) return (null, []);
        return (ShellCommands.BaseName(p), argv.Skip(k + 1).Select(a => a.Text).ToList());
    }

    /// <summary>No script operand, or an explicit stdin one (<c>-</c>, <c>-s</c>, <c>/dev/stdin</c>).</summary>
    private static bool ReadsStdin(List<string?> args) =>
        args.Any(a => a is "-" or "-s" or "/dev/stdin" or "/proc/self/fd/0")
        || args.All(a => a is not null && a.StartsWith('-') && !a.Contains('c') && a != "-e" && a != "-m");

    private static bool IsDecoder(string? name, List<string?> args) => name switch
    {
        "base64" or "base32" or "basenc" => args.Any(a => a is "-d" or "--decode" or "-D" or "-di" or "-id"),
        "xxd" => args.Any(a => a is { } t && t.StartsWith('-') && t.Contains('r')),
        "openssl" => args.Any(a => a is "-d" or "base64" or "-base64" or "-a"),
        "uudecode" or "gunzip" or "zcat" or "bunzip2" or "bzcat" or "unxz" or "xzcat" or "rev" or "tr" => true,
        "gzip" or "bzip2" or "xz" or "zstd" => args.Any(a => a is "-d" or "--decompress"),
        _ => false,
    };

    /// <summary>
    /// What <c>$(...)</c> prints when it is <c>echo</c>/<c>printf</c> of literals, possibly piped
    /// through decoders; whether it decodes or fetches anything at all.
    /// </summary>
    private (string? Text, bool Decoded, bool Fetches) FoldSubstitution(SourceRegion region)
    {
        if (_depth >= MaxDepth) return (null, false, false);
        var (commands, _) = ShellParser.Parse(ShellTokenizer.Tokenize(_text, region));
        var child = Child(new FindingSink { Silent = true });
        var programs = commands.Select(c => Program(c.Words.Select(child.Resolve).SelectMany(Fields).ToList())).ToList();
        var fetches = programs.Any(p => p.Name is not null && ShellCommands.Fetchers.Contains(p.Name));
        var decoded = programs.Any(p => IsDecoder(p.Name, p.Args));
        if (programs.Count == 0 || commands.Select(c => c.Pipeline).Distinct().Count() != 1) return (null, decoded, fetches);

        string? text = programs[0] is { Name: "echo" or "printf" } first && first.Args.All(a => a is not null) ? Echo(first.Name, first.Args!) : null;
        foreach (var (name, args) in programs.Skip(1))
        {
            if (text is null) break;
            text = name switch
            {
                "base64" or "openssl" when IsDecoder(name, args) => Decoders.Base64(text),
                "xxd" when IsDecoder(name, args) => Decoders.Hex(text),
                "rev" => string.Join('\n', text.Split('\n').Select(Decoders.Reverse)),
                "tr" when args.Count == 2 && args[1] is { } to && to.StartsWith("N-ZA-M", StringComparison.Ordinal) || args.Count == 2 && args[1] is { } t2 && t2.StartsWith("n-za-m", StringComparison.Ordinal) => Decoders.Rot13(text),
                _ => null,
            };
        }
        return (text?.TrimEnd('\n'), decoded, fetches);
    }

    /// <summary>The output of <c>echo</c> or <c>printf</c> with known arguments.</summary>
    private static string Echo(string program, IReadOnlyList<string> args)
    {
        if (program == "echo")
            return string.Join(' ', args.SkipWhile(a => a is "-n" or "-e" or "-E" or "-ne" or "-en")) + "\n";
        if (args.Count == 0) return "";
        var sb = new StringBuilder();
        var format = args[0];
        var next = 1;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '%' && i + 1 < format.Length && format[i + 1] is 's' or 'b')
            {
                if (next < args.Count) sb.Append(args[next++]);
                i++;
            }
            else if (c == '\\' && i + 1 < format.Length)
            {
                var e = format[++i];
                if (e == 'x')
                {
                    var hex = new string(format.Skip(i + 1).Take(2).TakeWhile(Decoders.IsHex).ToArray());
                    if (hex.Length > 0) sb.Append((char)Convert.ToInt32(hex, 16));
                    i += hex.Length;
                }
                else if (e is >= '0' and <= '7')
                {
                    var oct = new string(format.Skip(i).Take(3).TakeWhile(ch => ch is >= '0' and <= '7').ToArray());
                    sb.Append((char)Convert.ToInt32(oct, 8));
                    i += oct.Length - 1;
                }
                else sb.Append(e switch { 'n' => '\n', 't' => '\t', '\\' => '\\', _ => e });
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>A function that calls itself in a pipeline or in the background multiplies without bound.</summary>
    private void CheckForkBomb(ShellFunction f)
    {
        var callsItself = f.Body.Any(t => !t.IsOperator && t.Literal == f.Name);
        var forks = f.Body.Any(t => t.IsOp("|") || t.IsOp("&") || t.IsOp("|&"));
        if (callsItself && forks)
            Report(ShellRules.ForkBomb, f.At, $"function '{f.Name}' calls itself in a pipeline or in the background: a fork bomb");
    }
}
