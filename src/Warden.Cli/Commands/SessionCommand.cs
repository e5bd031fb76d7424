using System.CommandLine;
using System.Text.Json;
using Warden.Cli.Commands.Sessions;
using Warden.Linux;
using Warden.Policy;
using Warden.Sessions;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden session</c>: an interactive REPL against a local sandboxed session, and
/// <c>warden session exec [--json] -l python FILE</c>, which runs FILE as cells separated by
/// <c># %%</c> lines in one session and prints each cell's outputs.
/// </summary>
internal static class SessionCommand
{
    /// <summary>The owner of the CLI's local sessions.</summary>
    public const string Owner = "local";

    private sealed record Common(Option<string> Language, LimitOptions Limits, Option<string[]> Env, Option<DirectoryInfo?> OutDir, Option<FileInfo?> Init);

    public static Command Create()
    {
        var common = new Common(
            new Option<string>("--language", "-l") { Description = "Kernel language: python or javascript.", DefaultValueFactory = _ => "python" },
            new LimitOptions(),
            new Option<string[]>("--env", "-e") { Description = "Environment variable NAME=VALUE for the kernel (repeatable)." },
            new Option<DirectoryInfo?>("--out-dir") { Description = "Directory where images the cells display are saved (never overwrites)." },
            new Option<FileInfo?>("--init") { Description = "File of code run once when the session starts." });

        var repl = new Command("session", "Start a sandboxed session (a stateful kernel) and type cells at a prompt.");
        Add(repl, common);
        repl.SetAction((parse, ct) => RunAsync(parse, common, json: false, async (manager, info, printer) =>
            await new SessionRepl(manager, info, printer, parse.GetValue(common.OutDir)).RunAsync(ct)));

        var file = new Argument<FileInfo>("file") { Description = "Script in the percent format: cells separated by '# %%' lines." };
        var json = new Option<bool>("--json") { Description = "Print the Jupyter-shaped result of every cell as JSON (images base64 under their mime type)." };
        var exec = new Command("exec", "Run a script's '# %%' cells in one session and print each cell's outputs.") { file, json };
        Add(exec, common);
        exec.SetAction((parse, ct) =>
        {
            var asJson = parse.GetValue(json);
            return RunAsync(parse, common, asJson, (manager, info, printer) => ExecAsync(manager, info, printer, parse.GetValue(file)!, asJson, ct));
        });
        repl.Subcommands.Add(exec);
        return repl;
    }

    private static void Add(Command cmd, Common c)
    {
        cmd.Options.Add(c.Language);
        c.Limits.AddTo(cmd);
        foreach (var o in new Option[] { c.Env, c.OutDir, c.Init }) cmd.Options.Add(o);
    }

    private static async Task<int> RunAsync(ParseResult parse, Common c, bool json, Func<ISessionManager, SessionInfo, CellPrinter, Task<int>> body)
    {
        try
        {
            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var e in parse.GetValue(c.Env) ?? [])
            {
                var eq = e.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new InvalidRequestException("--env", $"'{e}' is not NAME=VALUE.");
                env[e[..eq]] = e[(eq + 1)..];
            }
            var request = new SessionCreateRequest
            {
                Language = parse.GetValue(c.Language) ?? "python",
                Env = env,
                InitCode = parse.GetValue(c.Init) is { } init ? File.ReadAllText(init.FullName) : null,
                Limits = c.Limits.Read(parse),
                IdleTtlSeconds = 86_400,
                MaxLifetimeSeconds = 86_400,
            };
            // Disposed on every way out (an interrupt included): it ends the session and removes its sandbox and cgroups.
            await using var engine = WardenEngine.Create(new WardenEngineOptions { Sessions = new SessionManagerOptions { MaxSessions = 1 } });
            var manager = engine.Sessions;
            var info = await manager.CreateAsync(request, Owner);
            return await body(manager, info, new CellPrinter(parse.GetValue(c.OutDir)));
        }
        catch (WardenException ex)
        {
            var rc = CliOutput.Error(ex, json);
            return rc == 2 ? RunCommand.ExitUsage : RunCommand.ExitWardenError;
        }
        catch (OverflowException)
        {
            Console.Error.WriteLine("warden: a limit is out of range.");
            return RunCommand.ExitUsage;
        }
    }

    private static async Task<int> ExecAsync(ISessionManager manager, SessionInfo info, CellPrinter printer, FileInfo file, bool json, CancellationToken ct)
    {
        if (!file.Exists) throw new InvalidRequestException("file", $"{file.FullName} does not exist.");
        var cells = PercentScript.Split(await File.ReadAllTextAsync(file.FullName, ct));
        var results = new List<CellResult>();
        var exit = 0;
        foreach (var code in cells)
        {
            CellResult? result = null;
            await foreach (var e in manager.ExecuteAsync(info.Id, Owner, new CellRequest { Code = code }, ct))
            {
                if (e is CellCompletedEvent c) result = c.Result;
                else if (!json && e is CellOutputEvent o) printer.Print(o.Output, results.Count + 1);
            }
            results.Add(result!);
            if (result!.Status == CellStatus.Ok) continue;
            if (!json) CellPrinter.PrintEnding(result, manager.Get(info.Id, Owner));
            exit = result.Status == CellStatus.Error ? 1
                : result.Reason == CellReason.Timeout ? RunCommand.ExitTimeout
                : result.Reason is CellReason.Memory or CellReason.Pids or CellReason.Killed ? RunCommand.ExitKilled
                : RunCommand.ExitWardenError;
            break; // like a notebook run: stop at the first failing cell
        }
        if (json)
        {
            var final = manager.Get(info.Id, Owner)!;
            var doc = new ExecOutput(info.Id, info.Language, final.State, final.Reason, results);
            // Base64 and HTML stay readable: nothing here is embedded in a web page by us.
            var options = new JsonSerializerOptions(ExecJsonContext.Default.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            Console.Out.WriteLine(JsonSerializer.Serialize(doc, options.GetTypeInfo(typeof(ExecOutput))));
        }
        return exit;
    }
}
