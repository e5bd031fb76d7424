namespace Warden.Checks.Shell;

/// <summary>
/// Turns shell tokens into simple commands grouped by pipeline, plus function definitions.
/// Compound commands (<c>if</c>, <c>while</c>, <c>for</c>, <c>case</c>, <c>{ }</c>, subshells) are
/// flattened: their reserved words are skipped and the commands inside are analysed like any other.
/// </summary>
internal static class ShellParser
{
    private static readonly HashSet<string> SkippedReserved =
        ["if", "then", "elif", "else", "fi", "do", "done", "while", "until", "!", "{", "}", "time", "esac", "coproc"];

    public static (List<ShellCommand> Commands, List<ShellFunction> Functions) Parse(IReadOnlyList<ShellToken> tokens)
    {
        var commands = new List<ShellCommand>();
        var functions = new List<ShellFunction>();
        var pipeline = 0;
        var position = 0;
        ShellCommand? current = null;
        var caseDepth = 0;
        var expectPattern = false;

        void End(bool continuePipeline)
        {
            if (current is { IsEmpty: false }) commands.Add(current);
            current = null;
            if (continuePipeline) position++;
            else { pipeline++; position = 0; }
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.IsOperator)
            {
                if (t.IsRedirection)
                {
                    current ??= new ShellCommand(pipeline, position);
                    var target = i + 1 < tokens.Count && !tokens[i + 1].IsOperator ? tokens[++i] : null;
                    current.Redirections.Add((t, target));
                    continue;
                }
                switch (t.Text)
                {
                    case "|" or "|&":
                        End(continuePipeline: true);
                        break;
                    case "&":
                        if (current is not null) current.Background = true;
                        End(continuePipeline: false);
                        break;
                    case ";;" or ";&" or ";;&":
                        End(continuePipeline: false);
                        expectPattern = caseDepth > 0;
                        break;
                    case "(" when current is null || current.Words.Count == 0:
                        break; // a subshell: its commands are analysed in place
                    default:
                        End(continuePipeline: false);
                        break;
                }
                continue;
            }

            var atStart = current is null || (current.Words.Count == 0 && current.Assignments.Count == 0);
            var literal = t.Literal;
            if (atStart)
            {
                if (expectPattern)
                {
                    // A case clause's pattern list runs to ')'.
                    while (i < tokens.Count && !tokens[i].IsOp(")")) i++;
                    expectPattern = false;
                    continue;
                }
                if (literal is not null && Next(tokens, i).IsOp("(") && Next(tokens, i + 1).IsOp(")"))
                {
                    functions.Add(new ShellFunction(literal, t, Body(tokens, i + 3)));
                    i += 2;
                    continue;
                }
                if (literal == "function" && Next(tokens, i).Literal is { } name)
                {
                    var bodyStart = i + 2;
                    if (Next(tokens, i + 1).IsOp("(") && Next(tokens, i + 2).IsOp(")")) bodyStart += 2;
                    functions.Add(new ShellFunction(name, tokens[i + 1], Body(tokens, bodyStart)));
                    i = bodyStart - 1;
                    continue;
                }
                if (literal is "for" or "select")
                {
                    // for NAME [in WORDS]; do — the loop header is not a command.
                    while (i + 1 < tokens.Count && !tokens[i + 1].IsOp(";") && !tokens[i + 1].IsOp("\n")) i++;
                    continue;
                }
                if (literal == "case")
                {
                    while (i + 1 < tokens.Count && tokens[i + 1].Literal != "in") i++;
                    i++;
                    caseDepth++;
                    expectPattern = true;
                    continue;
                }
                if (literal == "esac") { caseDepth = Math.Max(0, caseDepth - 1); expectPattern = false; continue; }
                if (literal is not null && SkippedReserved.Contains(literal)) continue;
            }

            current ??= new ShellCommand(pipeline, position);
            if (current.Words.Count == 0 && IsAssignment(t))
            {
                current.Assignments.Add(t);
                if (Next(tokens, i).IsOp("(") && t.Text.EndsWith('='))
                    while (i + 1 < tokens.Count && !tokens[++i].IsOp(")")) { } // name=(array elements)
                continue;
            }
            current.Words.Add(t);
        }
        End(continuePipeline: false);
        return (commands, functions);
    }

    /// <summary><c>NAME=value</c> or <c>NAME+=value</c> with a literal, unquoted name.</summary>
    public static bool IsAssignment(ShellToken t)
    {
        if (t.Segments.Count == 0 || t.Segments[0] is not { Kind: ShellSegmentKind.Literal, Quoted: false } first) return false;
        var eq = first.Text.IndexOf('=');
        if (eq <= 0) return false;
        var name = first.Text[..eq].TrimEnd('+');
        return name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    private static ShellToken Next(IReadOnlyList<ShellToken> tokens, int i) =>
        i + 1 < tokens.Count ? tokens[i + 1] : new ShellToken(true, "", 0, 0, []);

    /// <summary>The tokens of a function body starting at <paramref name="start"/> (a brace group or a subshell).</summary>
    private static List<ShellToken> Body(IReadOnlyList<ShellToken> tokens, int start)
    {
        while (start < tokens.Count && tokens[start].IsOp("\n")) start++;
        if (start >= tokens.Count) return [];
        var (open, close) = tokens[start].IsOp("(") ? ("(", ")") : ("{", "}");
        var depth = 0;
        var body = new List<ShellToken>();
        for (var i = start; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var text = t.IsOperator ? t.Text : t.Literal;
            if (text == open) depth++;
            else if (text == close && --depth == 0) break;
            if (i > start) body.Add(t);
        }
        return body;
    }
}
