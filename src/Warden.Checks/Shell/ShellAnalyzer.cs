using System.Text;
using Warden.Checks.Analysis;

namespace Warden.Checks.Shell;

/// <summary>
/// The shell checker (bash and POSIX sh). It tokenizes with real quoting, parses simple
/// commands and pipelines, resolves each word as far as it can (quote removal, <c>$'\x..'</c>,
/// variables assigned earlier in the script, <c>$IFS</c> splitting, and command substitutions made
/// of <c>echo</c>/<c>printf</c> piped through decoders), then applies the rules to the command
/// that actually runs after wrappers such as <c>sudo</c>, <c>env</c> and <c>command</c>. Command
/// substitutions, here-documents fed to a shell, and the text given to <c>eval</c> or <c>sh -c</c>
/// are analysed as shell too.
/// </summary>
internal sealed partial class ShellAnalyzer
{
    private const int MaxDepth = 4;

    private readonly string _text;
    private readonly FindingSink _sink;
    private readonly Dictionary<string, string?> _env;
    private readonly int _depth;
    private readonly EmbeddedChecker? _embedded;

    private ShellAnalyzer(string text, FindingSink sink, Dictionary<string, string?> env, int depth, EmbeddedChecker? embedded)
    {
        _text = text;
        _sink = sink;
        _env = env;
        _depth = depth;
        _embedded = embedded;
    }

    /// <summary>Analyses a script; <paramref name="embedded"/> checks Python and JavaScript code the script runs (<c>python3 -c</c>, <c>node -e</c>, here-documents).</summary>
    public static IReadOnlyList<RawFinding> Analyze(string code, EmbeddedChecker? embedded = null)
    {
        var sink = new FindingSink();
        new ShellAnalyzer(code, sink, new Dictionary<string, string?>(StringComparer.Ordinal), 0, embedded).AnalyzeRegion(null);
        return sink.Items;
    }

    private void AnalyzeRegion(SourceRegion? region)
    {
        var (commands, functions) = ShellParser.Parse(ShellTokenizer.Tokenize(_text, region));
        foreach (var f in functions) CheckForkBomb(f);
        var resolved = new List<(ShellCommand Command, List<(string? Text, ResolvedWord Word)> Argv)>();
        foreach (var command in commands)
        {
            foreach (var a in command.Assignments) Assign(a);
            var argv = command.Words.Select(Resolve).SelectMany(Fields).ToList();
            AnalyzeCommand(command, argv);
            AnalyzeSubstitutions(command);
            resolved.Add((command, argv));
        }
        foreach (var pipeline in resolved.GroupBy(c => c.Command.Pipeline))
            AnalyzePipeline(pipeline.OrderBy(c => c.Command.Position).ToList());
    }

    /// <summary>A word's fields as argv entries (an unknown word is one unknown entry).</summary>
    private static IEnumerable<(string? Text, ResolvedWord Word)> Fields(ResolvedWord w) =>
        w.Text is null ? [(null, w)] : w.Fields.Select(f => ((string?)f, w));

    /// <summary><c>NAME=value</c>: remember the value (or that it is unknown) for later words.</summary>
    private void Assign(ShellToken assignment)
    {
        var first = assignment.Segments[0];
        var eq = first.Text.IndexOf('=');
        var name = first.Text[..eq].TrimEnd('+');
        var rest = new List<ShellSegment> { first with { Text = first.Text[(eq + 1)..] } };
        rest.AddRange(assignment.Segments.Skip(1));
        var value = Resolve(assignment with { Segments = rest });
        _env[name] = first.Text[eq - 1] == '+' ? null : value.Text;
    }

    /// <summary>Quote removal and the expansions that can be done without running anything.</summary>
    private ResolvedWord Resolve(ShellToken token)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var (unknown, decoded, fetches, startsUnknown) = (false, false, false, false);
        for (var k = 0; k < token.Segments.Count && current.Length <= Value.MaxTextLength; k++)
        {
            var s = token.Segments[k];
            switch (s.Kind)
            {
                case ShellSegmentKind.Literal:
                    current.Append(s.Text);
                    break;
                case ShellSegmentKind.Variable when s.Text == "IFS":
                    if (s.Quoted) current.Append(' ');
                    else Split(fields, current);
                    break;
                case ShellSegmentKind.Variable when s.Text.Length > 0 && _env.TryGetValue(s.Text, out var v) && v is not null:
                    AppendExpansion(fields, current, v, s.Quoted);
                    break;
                case ShellSegmentKind.Variable when s.Text == "HOME" && !_env.ContainsKey("HOME"):
                    current.Append('~');
                    break;
                case ShellSegmentKind.Command:
                    var (text, dec, fetch) = FoldSubstitution(s.Region);
                    decoded |= dec;
                    fetches |= fetch;
                    if (text is null) unknown = true;
                    else AppendExpansion(fields, current, text, s.Quoted);
                    break;
                default:
                    unknown = true;
                    if (k == 0 && s.Kind == ShellSegmentKind.Variable) startsUnknown = true;
                    break;
            }
        }
        Split(fields, current);
        // Values that double on every assignment (x=$x$x) stop being followed instead of exhausting memory.
        unknown |= fields.Sum(f => f.Length) > Value.MaxTextLength;
        return new ResolvedWord(token, unknown ? null : string.Join(' ', fields), unknown ? [] : fields, decoded, fetches, startsUnknown);
    }

    /// <summary>An unquoted expansion is split into fields at whitespace; a quoted one is not.</summary>
    private static void AppendExpansion(List<string> fields, StringBuilder current, string value, bool quoted)
    {
        if (quoted) { current.Append(value); return; }
        var parts = value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var p = 0; p < parts.Length; p++)
        {
            if (p > 0) Split(fields, current);
            current.Append(parts[p]);
        }
    }

    private static void Split(List<string> fields, StringBuilder current)
    {
        if (current.Length > 0 || fields.Count == 0) fields.Add(current.ToString());
        current.Clear();
    }

    /// <summary>Command substitutions inside a command's words are code too: analyse them where they stand.</summary>
    private void AnalyzeSubstitutions(ShellCommand command)
    {
        if (_depth >= MaxDepth) return;
        foreach (var word in command.AllWords())
            foreach (var s in word.Segments)
                if (s.Kind == ShellSegmentKind.Command)
                    Child(_sink).AnalyzeRegion(s.Region);
    }

    private ShellAnalyzer Child(FindingSink sink) => new(_text, sink, _env, _depth + 1, _embedded);

    /// <summary>Text that will run as shell (eval, sh -c, echo … | sh): analyse it and report at <paramref name="at"/>.</summary>
    private void AnalyzeText(string code, ShellToken at, string context)
    {
        if (_depth >= MaxDepth) return;
        var sink = new FindingSink();
        new ShellAnalyzer(code, sink, new Dictionary<string, string?>(_env, StringComparer.Ordinal), _depth + 1, _embedded).AnalyzeRegion(null);
        foreach (var f in sink.Items)
            _sink.Add(f.RuleId, at.Line, at.Column, $"in the text {context} runs: {f.Message}", f.Suggestion);
    }

    /// <summary>
    /// Python or JavaScript the script runs: checked with that language's checker, findings
    /// placed at <paramref name="at"/>, or, for a here-document <paramref name="body"/>, where each line stands.
    /// </summary>
    private void AnalyzeEmbedded(string language, string code, ShellToken at, string context, SourceRegion? body = null)
    {
        if (_embedded is null) return;
        foreach (var f in _embedded(language, code))
        {
            var (line, column) = body is { } b ? (b.Line + f.Line - 1, f.Line == 1 ? b.Column + f.Column - 1 : f.Column) : (at.Line, at.Column);
            _sink.Add(f.RuleId, line, column, body is null ? $"in the {language} code {context} runs: {f.Message}" : f.Message, f.Suggestion);
        }
    }

    private void Report(string rule, ShellToken at, string message) => _sink.Add(rule, at.Line, at.Column, message);
}
