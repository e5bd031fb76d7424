using Warden.Sessions;

namespace Warden.Cli.Commands.Sessions;

/// <summary>
/// The interactive REPL of <c>warden session</c>: cells typed at a prompt run in one sandboxed
/// session; Ctrl-C interrupts a running cell; <c>!cmd</c> runs a shell command in the sandbox;
/// <c>%upload</c>, <c>%download</c>, <c>%ls</c>, <c>%rm</c>, <c>%restart</c>, <c>%help</c>.
/// </summary>
internal sealed class SessionRepl(ISessionManager manager, SessionInfo session, CellPrinter printer, DirectoryInfo? outDir)
{
    private const string Owner = SessionCommand.Owner;
    private volatile bool _running;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        Console.CancelKeyPress += OnCancel;
        try
        {
            Console.Error.WriteLine($"warden session {session.Id} ({session.Language}, {session.Limits.MemoryMb} MiB, {session.Limits.Pids} tasks, cell timeout {session.Limits.TimeoutMs / 1000.0} s). %help for commands, Ctrl-D to quit.");
            var count = 1;
            while (!ct.IsCancellationRequested)
            {
                var cell = ReadCell(count);
                if (cell is null) return 0;
                if (cell.Trim().Length == 0) continue;
                try
                {
                    if (cell.StartsWith('%') || cell.StartsWith('!'))
                    {
                        if (!await MagicAsync(cell.Trim(), ct)) return 0;
                        continue;
                    }
                    _running = true;
                    CellResult? result = null;
                    await foreach (var e in manager.ExecuteAsync(session.Id, Owner, new CellRequest { Code = cell }, ct))
                    {
                        if (e is CellOutputEvent o) printer.Print(o.Output, count);
                        else if (e is CellCompletedEvent c) result = c.Result;
                    }
                    _running = false;
                    if (result is null) continue;
                    CellPrinter.PrintEnding(result, manager.Get(session.Id, Owner));
                    foreach (var f in result.ChangedFiles) Console.Error.WriteLine($"  [{f.Change}: {f.Path}]");
                    if (result.Status == CellStatus.Lost) return 1;
                    count = result.ExecutionCount + 1;
                }
                catch (WardenException ex)
                {
                    _running = false;
                    Console.Error.WriteLine("warden: " + ex.Message);
                    if (ex is SessionEndedException) return 1;
                }
            }
            return 0;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        if (_running) _ = manager.InterruptAsync(session.Id, Owner);
        else Console.Error.WriteLine("(Ctrl-D quits)");
    }

    /// <summary>Reads one cell: a block ends at an empty line, a single line when it is complete.</summary>
    private static string? ReadCell(int count)
    {
        var lines = new List<string>();
        Console.Out.Write($"In [{count}]: ");
        Console.Out.Flush();
        while (true)
        {
            var line = Console.In.ReadLine();
            if (line is null) return lines.Count > 0 ? string.Join('\n', lines) : null;
            if (lines.Count == 0 && (line.StartsWith('%') || line.StartsWith('!'))) return line;
            if (lines.Count > 0 && line.Trim().Length == 0) return string.Join('\n', lines);
            lines.Add(line);
            if (lines.Count == 1 && IsComplete(line)) return line;
            Console.Out.Write("   ...: ");
            Console.Out.Flush();
        }
    }

    /// <summary>Whether a first line stands alone: no open bracket, string or block.</summary>
    internal static bool IsComplete(string line)
    {
        var t = line.TrimEnd();
        if (t.EndsWith(':') || t.EndsWith('\\') || t.EndsWith(',') || t.StartsWith('@')) return false;
        if (t.Contains("\"\"\"", StringComparison.Ordinal) || t.Contains("'''", StringComparison.Ordinal)) return false;
        var depth = 0;
        char? quote = null;
        for (var i = 0; i < t.Length; i++)
        {
            var c = t[i];
            if (quote is { } q)
            {
                if (c == '\\') i++;
                else if (c == q) quote = null;
                continue;
            }
            if (c == '#') break;
            if (c is '"' or '\'') quote = c;
            else if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') depth--;
        }
        return depth <= 0 && quote is null;
    }

    private async Task<bool> MagicAsync(string line, CancellationToken ct)
    {
        if (line.StartsWith('!'))
        {
            _running = true;
            try
            {
                await foreach (var e in manager.RunCommandAsync(session.Id, Owner, new CommandRequest { Command = line[1..] }, ct))
                {
                    if (e is CommandOutputEvent o) (o.Stream == "stderr" ? Console.Error : Console.Out).Write(o.Text);
                    else if (e is CommandCompletedEvent c && (c.Result.Reason != Execution.RunReason.Exited || c.Result.ExitCode != 0))
                        Console.Error.WriteLine($"[{JsonNames(c.Result)}]");
                }
            }
            finally
            {
                _running = false;
            }
            return true;
        }
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (parts[0])
        {
            case "%exit" or "%quit":
                return false;
            case "%restart":
                await manager.RestartAsync(session.Id, Owner, ct);
                Console.Error.WriteLine("[kernel restarted; files kept]");
                break;
            case "%ls":
                foreach (var f in await manager.ListFilesAsync(session.Id, Owner, parts.Length > 1 ? parts[1] : null, recursive: true, cancellationToken: ct))
                    Console.Out.WriteLine($"{f.Type[0]} {f.Size,10} {f.Path}");
                break;
            case "%rm" when parts.Length == 2:
                await manager.DeleteFileAsync(session.Id, Owner, parts[1], recursive: true, ct);
                break;
            case "%upload" when parts.Length is 2 or 3:
                {
                    await using var fs = File.OpenRead(parts[1]);
                    var entry = await manager.UploadAsync(session.Id, Owner, parts.Length == 3 ? parts[2] : Path.GetFileName(parts[1]), fs, ct);
                    Console.Error.WriteLine($"[uploaded {entry.Path}, {entry.Size} bytes]");
                    break;
                }
            case "%download" when parts.Length is 2 or 3:
                {
                    await using var d = await manager.DownloadAsync(session.Id, Owner, parts[1], ct);
                    var target = parts.Length == 3 ? parts[2] : Path.Combine(outDir?.FullName ?? ".", Path.GetFileName(d.Entry.Path));
                    await using var fs = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
                    await d.Content.CopyToAsync(fs, ct);
                    Console.Error.WriteLine($"[downloaded to {target}, {fs.Length} bytes]");
                    break;
                }
            default:
                Console.Error.WriteLine("""
                    !COMMAND            run a shell command in the sandbox
                    %upload LOCAL [REMOTE]   %download REMOTE [LOCAL]   %ls [PATH]   %rm PATH
                    %restart            restart the kernel (state cleared, files kept)
                    %exit               quit (or Ctrl-D); Ctrl-C interrupts a running cell
                    A cell is one line, or a block ended by an empty line.
                    """);
                break;
        }
        return true;
    }

    private static string JsonNames(CommandResult r) =>
        System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(r.Reason.ToString()) + (r.ExitCode is { } c ? " " + c : "") + (r.Signal is { } s ? " " + s : "");
}
