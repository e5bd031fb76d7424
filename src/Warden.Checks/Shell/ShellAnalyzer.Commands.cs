using Warden.Checks.Analysis;

namespace Warden.Checks.Shell;

internal sealed partial class ShellAnalyzer
{
    private static readonly HashSet<string> DiskTools =
        ["mkfs", "mke2fs", "mkswap", "wipefs", "fdisk", "sfdisk", "cfdisk", "parted", "sgdisk", "gdisk", "blkdiscard", "shred", "badblocks"];

    private void AnalyzeCommand(ShellCommand command, List<(string? Text, ResolvedWord Word)> argv)
    {
        var k = ShellCommands.SkipWrappers(argv.Select(a => a.Text).ToList());
        var program = k < argv.Count && argv[k].Text is { } p ? ShellCommands.BaseName(p) : null;
        foreach (var (op, target) in command.Redirections)
            if (target is not null) CheckRedirection(program, op, target);
        foreach (var resolved in command.Assignments.Select(Resolve).Concat(argv.Select(a => a.Word).Distinct()))
            CheckPaths(resolved);
        if (argv.Count == 0) return;

        for (var w = 0; w < k; w++)
            if (argv[w].Text is { } wrapper && ShellCommands.Privileged.Contains(ShellCommands.BaseName(wrapper)))
                Report(ShellRules.Privilege, argv[w].Word.Token, $"{ShellCommands.BaseName(wrapper)} runs a command with other privileges");
        if (k >= argv.Count) return;

        var (text, word) = argv[k];
        if (text is null)
        {
            if (word.Fetches) Report(ShellRules.PipeToShell, word.Token, "runs a command fetched from the network");
            else if (word.Decoded) Report(ShellRules.DecodeExec, word.Token, "runs a command decoded at run time");
            else Report(ShellRules.DynamicCommand, word.Token, "runs a command whose name is only known at run time");
            return;
        }
        if (word.Decoded) Report(ShellRules.DecodeExec, word.Token, $"runs '{Clip(text)}', decoded at run time");
        var name = ShellCommands.BaseName(text);
        var args = argv.Skip(k + 1).ToList();
        var at = word.Token;

        if (ShellCommands.Privileged.Contains(name)) Report(ShellRules.Privilege, at, $"{name} changes privileges or namespaces");
        if (ShellCommands.NetworkTools.Contains(name)) Report(ShellRules.Network, at, $"{name} uses the network; the sandbox has none unless the operator allows it");
        if (ShellCommands.Interpreters.Contains(name))
        {
            if (args.FirstOrDefault(a => a.Word.Fetches).Word is { } fetched)
                Report(ShellRules.PipeToShell, fetched.Token, $"{name} runs a script fetched from the network");
            else if (args.FirstOrDefault(a => a.Word.Decoded).Word is { } decoded)
                Report(ShellRules.DecodeExec, decoded.Token, $"{name} runs a script decoded at run time");
        }

        switch (name)
        {
            case "rm": CheckRm(args, at); break;
            case "find": CheckFind(args, at); break;
            case "chmod" or "chown" or "chgrp" or "setfacl": CheckChmod(name, args, at); break;
            case "dd":
                foreach (var (a, w) in args)
                    if (a is not null && a.StartsWith("of=", StringComparison.Ordinal) && ShellCommands.IsBlockDevice(a[3..]))
                        Report(ShellRules.DiskWrite, w.Token, $"dd writes the raw device {a[3..]}");
                break;
            case "tee" or "truncate":
                CheckWrites(name, args.Where(a => a.Text is { } t && !t.StartsWith('-')));
                break;
            case "cp" or "mv" or "install" or "ln" or "rsync":
                CheckWrites(name, args.Where(a => a.Text is { } t && !t.StartsWith('-')).TakeLast(1));
                break;
            case "sed" when args.Any(a => a.Text is { } t && (t == "--in-place" || (t.StartsWith('-') && !t.StartsWith("--") && t.Contains('i')))):
                CheckWrites(name, args.Where(a => a.Text is { } t && !t.StartsWith('-')).Skip(args.Any(a => a.Text is "-e" or "-f") ? 0 : 1));
                break;
            case "nc" or "ncat" or "netcat":
                if (args.Any(a => a.Text is "-e" or "-c" or "--exec" or "--sh-exec" or "--lua-exec" || (a.Text is { } t && t.StartsWith('-') && !t.StartsWith("--") && (t.Contains('e') || t.Contains('c')) && t.Length <= 4)))
                    Report(ShellRules.NetcatExec, at, $"{name} connects a program to a network socket");
                break;
            case "socat":
                if (args.Any(a => a.Text is { } t && (t.Contains("exec:", StringComparison.OrdinalIgnoreCase) || t.Contains("system:", StringComparison.OrdinalIgnoreCase))))
                    Report(ShellRules.NetcatExec, at, "socat connects a program to a socket");
                break;
            case "eval":
                CheckCodeText("eval", args.Select(a => a.Word).Distinct().ToList(), at, literalRule: ShellRules.Eval);
                break;
            case "kill" when args.Count >= 2 && args[^1].Text == "-1":
            case "killall5":
                Report(ShellRules.KillAll, at, "signals every process it can reach");
                break;
            case "cd":
                var dir = args.Count == 0 ? "~" : args[0].Text;
                _env["PWD"] = dir is null ? null : dir.StartsWith('/') || dir.StartsWith('~') ? dir : Under(dir);
                break;
            case "export" or "readonly" or "declare" or "typeset" or "local":
                foreach (var (_, w) in args)
                    if (ShellParser.IsAssignment(w.Token)) Assign(w.Token);
                break;
        }
        if (ShellCommands.Embedded(name) is { } embedded)
        {
            var c = args.FindIndex(a => a.Text is { } t && embedded.CodeOptions.Contains(t));
            if (c >= 0 && c + 1 < args.Count) CheckEmbeddedCode(embedded.Language, args[c + 1].Word, $"{name} {args[c].Text}");
        }
        if (ShellCommands.Shells.Contains(name))
        {
            var c = args.FindIndex(a => a.Text is { } t && t.StartsWith('-') && !t.StartsWith("--") && t.Contains('c'));
            if (c >= 0 && c + 1 < args.Count) CheckCodeText($"{name} -c", [args[c + 1].Word], args[c + 1].Word.Token, literalRule: null);
        }
        if (name.StartsWith("mkfs", StringComparison.Ordinal) || (DiskTools.Contains(name) && (name != "shred" || args.Any(a => a.Text is { } t && t.StartsWith("/dev/", StringComparison.Ordinal)))))
            Report(ShellRules.DiskWrite, at, $"{name} rewrites disks or file systems");
    }

    /// <summary>The text given to eval or sh -c: fetched, decoded and expanded text is blocked; a literal is analysed.</summary>
    private void CheckCodeText(string verb, List<ResolvedWord> code, ShellToken at, string? literalRule)
    {
        if (code.Count == 0) return;
        if (code.Any(w => w.Fetches)) Report(ShellRules.PipeToShell, at, $"{verb} runs text fetched from the network");
        else if (code.Any(w => w.Decoded)) Report(ShellRules.DecodeExec, at, $"{verb} runs text decoded at run time");
        else if (code.Any(w => w.Text is null)) Report(ShellRules.EvalDynamic, at, $"{verb} runs text built from expansions");
        else if (literalRule is not null) Report(literalRule, at, $"{verb} of literal text");
        // Whatever could be folded (a literal, or text decoded from literals) is shell too.
        if (code.All(w => w.Text is not null)) AnalyzeText(string.Join(' ', code.Select(w => w.Text)), at, verb);
    }

    /// <summary><c>python3 -c CODE</c>, <c>node -e CODE</c>: fetched, decoded or expanded code is blocked as for eval; literal code is checked as that language.</summary>
    private void CheckEmbeddedCode(string language, ResolvedWord code, string verb)
    {
        if (code.Fetches) Report(ShellRules.PipeToShell, code.Token, $"{verb} runs code fetched from the network");
        else if (code.Decoded) Report(ShellRules.DecodeExec, code.Token, $"{verb} runs code decoded at run time");
        else if (code.Text is null) Report(ShellRules.EvalDynamic, code.Token, $"{verb} runs code built from expansions");
        else AnalyzeEmbedded(language, code.Text, code.Token, verb);
    }

    /// <summary>A relative path under the current directory, when the script has set it.</summary>
    private string? Under(string relative) =>
        _env.TryGetValue("PWD", out var cwd) && cwd is not null ? cwd.TrimEnd('/') + "/" + relative : null;

    private void CheckRm(List<(string? Text, ResolvedWord Word)> args, ShellToken at)
    {
        var (recursive, noPreserveRoot, endOfOptions) = (false, false, false);
        var targets = new List<(string? Text, ResolvedWord Word)>();
        foreach (var arg in args)
        {
            var t = arg.Text;
            if (t is null || endOfOptions || t == "-" || !t.StartsWith('-')) { targets.Add(arg); continue; }
            if (t == "--") endOfOptions = true;
            else if (t == "--recursive") recursive = true;
            else if (t == "--no-preserve-root") noPreserveRoot = true;
            else if (!t.StartsWith("--", StringComparison.Ordinal) && (t.Contains('r') || t.Contains('R'))) recursive = true;
        }
        if (noPreserveRoot) Report(ShellRules.RmRoot, at, "rm --no-preserve-root removes the guard against deleting /");
        if (!recursive) return;
        foreach (var (target, w) in targets)
        {
            var t = target is null || target.StartsWith('/') || target.StartsWith('~') || target.StartsWith('$') ? target : Under(target) ?? target;
            if (t is not null && SuspiciousText.IsSystemDirectory(t))
                Report(ShellRules.RmRoot, w.Token, $"rm -r deletes {SuspiciousText.NormalizePath(t)}");
            else if (t is null && w.StartsWithUnknownVariable && w.Token.Text.Contains('/'))
                Report(ShellRules.RmVariable, w.Token, $"rm -r {w.Token.Text} deletes from / when the variable is empty");
        }
    }

    private void CheckFind(List<(string? Text, ResolvedWord Word)> args, ShellToken at)
    {
        var paths = args.TakeWhile(a => a.Text is { } t && !t.StartsWith('-') && t is not ("(" or "!")).ToList();
        var deletes = args.Any(a => a.Text == "-delete")
            || args.Select((a, i) => (a, i)).Any(x => x.a.Text is "-exec" or "-execdir" && x.i + 1 < args.Count && args[x.i + 1].Text is { } c && ShellCommands.BaseName(c) is "rm" or "shred");
        if (deletes && paths.Any(p => SuspiciousText.IsSystemDirectory(p.Text!)))
            Report(ShellRules.RmRoot, at, "find deletes everything under a system directory");
    }

    private void CheckChmod(string name, List<(string? Text, ResolvedWord Word)> args, ShellToken at)
    {
        var operands = args.Where(a => a.Text is { } t && !t.StartsWith('-')).ToList();
        if (operands.Count == 0) return;
        if (name == "chmod" && operands[0].Text is { } mode && (mode.Contains('s') || (mode.Length == 4 && mode[0] is '2' or '4' or '6')))
            Report(ShellRules.Privilege, at, "chmod sets the setuid/setgid bit");
        foreach (var (t, w) in operands.Skip(1))
            if (SuspiciousText.IsSystemDirectory(t!))
                Report(ShellRules.ChmodRoot, w.Token, $"{name} changes {SuspiciousText.NormalizePath(t!)}");
    }

    private void CheckWrites(string name, IEnumerable<(string? Text, ResolvedWord Word)> files)
    {
        foreach (var (t, w) in files)
        {
            if (t is null) continue;
            if (ShellCommands.IsBlockDevice(t)) Report(ShellRules.DiskWrite, w.Token, $"{name} writes the raw device {t}");
            else if (ShellCommands.IsProtected(t)) Report(ShellRules.SystemWrite, w.Token, $"{name} writes {t}");
        }
    }

    private void CheckRedirection(string? program, ShellToken op, ShellToken target)
    {
        var resolved = Resolve(target);
        CheckPaths(resolved);
        var runsShell = program is not null && ShellCommands.Shells.Contains(program);
        if (program is not null && ShellCommands.Embedded(program) is { } embedded)
        {
            if (op.Text is "<<" or "<<-" && target.Heredoc is { } code) AnalyzeEmbedded(embedded.Language, _text[code.Start..code.End], target, program, code);
            else if (op.Text == "<<<") CheckEmbeddedCode(embedded.Language, resolved, $"{program} <<<");
        }
        if (op.Text is "<<" or "<<-" && target.Heredoc is { } body && runsShell && _depth < MaxDepth)
        {
            Child(_sink).AnalyzeRegion(body);
            return;
        }
        if (op.Text == "<<<" && runsShell)
        {
            CheckCodeText($"{program} <<<", [resolved], target, literalRule: null);
            return;
        }
        if (resolved.Text is not { } path || !op.Text.Contains('>')) return;
        if (ShellCommands.IsBlockDevice(path)) Report(ShellRules.DiskWrite, target, $"redirects output onto the raw device {path}");
        else if (ShellCommands.IsProtected(path)) Report(ShellRules.SystemWrite, target, $"redirects output into {path}");
    }

    /// <summary>/dev/tcp reverse shells and host secrets, wherever they appear in a word.</summary>
    private void CheckPaths(ResolvedWord word)
    {
        foreach (var field in word.Fields)
        {
            if (field.Contains("/dev/tcp/", StringComparison.Ordinal) || field.Contains("/dev/udp/", StringComparison.Ordinal))
                Report(ShellRules.DevTcp, word.Token, "opens a network socket through /dev/tcp or /dev/udp");
            var path = field.StartsWith("if=", StringComparison.Ordinal) || field.StartsWith("of=", StringComparison.Ordinal) ? field[3..] : field;
            if (SuspiciousText.IsSensitivePath(path))
                Report(ShellRules.SensitivePath, word.Token, $"names the sensitive path '{path}'");
        }
    }

    private static string Clip(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
