using System.CommandLine;
using System.Globalization;
using Warden.Checks;
using Warden.Execution;
using Warden.Languages;
using Warden.Linux;
using Warden.Linux.Isolation;
using Warden.Policy;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden run FILE</c>, <c>warden run -l python -c CODE</c>, or code on stdin. Output is
/// streamed as produced; the exit code mirrors the program's (see docs/cli.md for the mapping
/// of timeouts, kills and Warden errors).
/// </summary>
internal static class RunCommand
{
    public const int ExitTimeout = 124, ExitWardenError = 125, ExitKilled = 137, ExitUsage = 2, ExitInterrupted = 130;

    public static Command Create()
    {
        var file = new Argument<FileInfo?>("file") { Description = "Source file to run; without -l its language is told from its shebang, then its extension, then its content.", Arity = ArgumentArity.ZeroOrOne };
        var language = new Option<string?>("--language", "-l") { Description = "Language id or alias (see `warden languages`); default auto: detected, and refused (exit 2, with the candidates) when unclear." };
        var code = new Option<string?>("--code", "-c") { Description = "Code to run. Without FILE or -c, code is read from stdin." };
        var json = new Option<bool>("--json") { Description = "Print the result object (docs/api.md) instead of the program's output." };
        var limits = new LimitOptions();
        var env = new Option<string[]>("--env", "-e") { Description = "Environment variable NAME=VALUE for the program (repeatable). Nothing of yours is passed otherwise.", AllowMultipleArgumentsPerToken = false };
        var stdinText = new Option<string?>("--stdin") { Description = "Text given to the program on stdin (default: this command's stdin when it is redirected and code does not come from it)." };
        var collect = new Option<string[]>("--collect") { Description = "Bring back files from /workspace matching this pattern (repeatable); needs --out-dir." };
        var outDir = new Option<DirectoryInfo?>("--out-dir") { Description = "Directory collected files are written to (never overwrites; never follows links)." };
        var check = new Option<string?>("--check") { Description = "Advisory code checks: off (default), warn (findings on stderr / in the result) or block (refuse the run)." };
        var unsafeMode = new Option<bool>("--unsafe-no-isolation") { Description = "DEVELOPMENT ONLY: run without any sandbox. Prints a warning." };
        var args = new Argument<string[]>("args") { Description = "Arguments for the program (after --).", Arity = ArgumentArity.ZeroOrMore };

        var cmd = new Command("run", "Run code once in a fresh sandbox.")
        {
            file, args, language, code, json, env, stdinText, collect, outDir, check, unsafeMode,
        };
        limits.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var asJson = parse.GetValue(json);
            try
            {
                var request = BuildRequest(parse.GetValue(file), parse.GetValue(language), parse.GetValue(code), parse.GetValue(stdinText),
                    parse.GetValue(env) ?? [], parse.GetValue(collect) ?? [], parse.GetValue(args) ?? [],
                    limits.Read(parse));
                request = request with { Check = parse.GetValue(check) };
                if (request.Collect is { Count: > 0 } && parse.GetValue(outDir) is null)
                    throw new InvalidRequestException("--out-dir", "--collect needs --out-dir to say where the files go.");

                Runner runner;
                // Disposed on every way out (an interrupt included): it kills the sandbox and removes its cgroups.
                await using var engine = parse.GetValue(unsafeMode) ? null
                    // One run per process: a zygote would cost more to start than it saves. The
                    // server keeps zygotes warm; the CLI starts one fresh sandbox.
                    : WardenEngine.Create(new WardenEngineOptions { Engine = new EngineOptions { FastPath = new Linux.FastPath.ZygoteOptions { Enabled = false } } });
                if (engine is null)
                {
                    Console.Error.WriteLine(UnsandboxedBackend.Warning);
                    var backend = new UnsandboxedBackend();
                    runner = new Runner(backend, new LanguageRegistry(LanguageRegistry.BuiltIn(), backend.CanExecute));
                }
                else
                {
                    runner = engine.Runner;
                }

                RunResult result;
                if (asJson)
                {
                    result = await runner.RunAsync(request, ct);
                    CliOutput.Json(result);
                }
                else
                {
                    result = await StreamToConsole(runner, request, ct);
                }
                if (!asJson)
                    foreach (var f in result.Findings)
                        Console.Error.WriteLine($"warden: check {f.Severity.Name()} {f.RuleId} at {f.Line}:{f.Column}: {f.Message}");
                if (parse.GetValue(outDir) is { } dir) CollectedFiles.Write(dir, result.Files);
                return ExitCodeFor(result);
            }
            catch (CodeCheckBlockedException ex)
            {
                foreach (var f in ex.Report.Findings)
                    Console.Error.WriteLine($"warden: check {f.Severity.Name()} {f.RuleId} at {f.Line}:{f.Column}: {f.Message}{(f.Suggestion is null ? "" : " (" + f.Suggestion + ")")}");
                CliOutput.Error(ex, asJson);
                return ExitUsage;
            }
            catch (WardenException ex)
            {
                var rc = CliOutput.Error(ex, asJson);
                return rc == 2 ? ExitUsage : ExitWardenError;
            }
            catch (OverflowException)
            {
                Console.Error.WriteLine("warden: a limit is out of range.");
                return ExitUsage;
            }
        });
        return cmd;
    }

    private static async Task<RunResult> StreamToConsole(Runner runner, RunRequest request, CancellationToken ct)
    {
        RunResult? result = null;
        var stdout = Console.OpenStandardOutput();
        var stderr = Console.OpenStandardError();
        await foreach (var e in runner.StreamAsync(request, ct))
        {
            switch (e)
            {
                case RunOutput { Phase: "run" } o:
                    var bytes = System.Text.Encoding.UTF8.GetBytes(o.Text);
                    await (o.Stream == "stdout" ? stdout : stderr).WriteAsync(bytes, ct);
                    break;
                case RunCompleted c:
                    result = c.Result;
                    break;
            }
        }
        await stdout.FlushAsync(ct);
        if (result is null) throw new SandboxException("the run ended without a result");
        if (result.Reason == RunReason.CompileError && result.Compile is { } compile)
            Console.Error.Write(compile.Stderr + compile.Stdout);
        if (result.Reason is not (RunReason.Exited or RunReason.Signaled) || result.StdoutTruncated || result.StderrTruncated)
            Console.Error.WriteLine($"warden: {ReasonText(result.Reason)}: {result.Message}");
        if (result.LimitsReached.Count > 0 && result.Reason is RunReason.Exited or RunReason.Signaled)
            Console.Error.WriteLine($"warden: limits reached during the run: {string.Join(", ", result.LimitsReached)}");
        if (result.Reason == RunReason.SandboxError && result.Diagnostic is { } diag)
            Console.Error.WriteLine("warden: detail: " + diag);
        return result;
    }

    private static string ReasonText(RunReason r) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(r.ToString());

    /// <summary>The process exit code for a result: the program's own when it exited.</summary>
    public static int ExitCodeFor(RunResult r) => r.Reason switch
    {
        RunReason.Exited => r.ExitCode ?? 0,
        RunReason.Signaled => 128 + SignalNumber(r.Signal),
        RunReason.Timeout => ExitTimeout,
        RunReason.Memory or RunReason.Killed or RunReason.OutputLimit => ExitKilled,
        RunReason.Pids => r.ExitCode is { } c and not 0 ? c : ExitKilled,
        RunReason.CompileError => 1,
        _ => ExitWardenError,
    };

    private static int SignalNumber(string? name)
    {
        for (var i = 1; i < 65; i++)
            if (Sandbox.OutcomeClassifier.SignalName(i) == name) return i;
        return 9;
    }

    internal static RunRequest BuildRequest(FileInfo? file, string? language, string? code, string? stdin,
        string[] env, string[] collect, string[] args, LimitsRequest limits)
    {
        if (file is not null && !file.Exists)
            throw new InvalidRequestException("file", file.Name.StartsWith('-')
                ? $"Unknown option '{file.Name}'; see `warden run --help`."
                : $"{file.FullName} does not exist.");
        if (file is not null && code is not null)
            throw new InvalidRequestException("--code", "Give FILE or --code, not both.");
        string source;
        if (file is not null)
        {
            if (!file.Exists) throw new InvalidRequestException("file", $"{file.FullName} does not exist.");
            source = File.ReadAllText(file.FullName);
            if (stdin is null && Console.IsInputRedirected) stdin = Console.In.ReadToEnd();
        }
        else if (code is not null)
        {
            source = code;
            if (stdin is null && Console.IsInputRedirected) stdin = Console.In.ReadToEnd();
        }
        else
        {
            if (!Console.IsInputRedirected) throw new InvalidRequestException("--code", "Give FILE, --code, or code on stdin.");
            source = Console.In.ReadToEnd();
        }
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in env)
        {
            var eq = e.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new InvalidRequestException("--env", $"'{e}' is not NAME=VALUE.");
            vars[e[..eq]] = e[(eq + 1)..];
        }
        return new RunRequest
        {
            Language = language,
            SourceName = file?.Name,
            Code = source,
            Stdin = stdin,
            Env = vars,
            Limits = limits,
            Collect = collect.Length > 0 ? collect : null,
            Args = args.Length > 0 ? args : null,
        };
    }

    /// <summary>Parses "512", "512m", "64k", "1g" into bytes; a bare number is in <paramref name="unit"/>.</summary>
}
