using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Warden.Eval;
using Warden.Eval.Json;
using Warden.Eval.Progress;
using Warden.Linux;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden eval --problems P.jsonl[.gz] --samples S.jsonl</c>: judges every sample in its own
/// sandbox and prints pass@k. Exit 0 when every sample was judged (even if some failed), 3 when
/// some could not be (infrastructure errors, unavailable languages), 2 on usage errors, 130 when
/// interrupted. See docs/eval.md.
/// </summary>
internal static class EvalCommand
{
    public const int ExitIncomplete = 3, ExitUsage = 2, ExitInterrupted = 130;

    public static Command Create()
    {
        var problems = new Option<FileInfo>("--problems") { Description = "Problems in the HumanEval format (JSON Lines, optionally gzip): task_id, prompt, test, entry_point, optional language." };
        var samples = new Option<FileInfo>("--samples") { Description = "Samples (JSON Lines, optionally gzip): task_id, completion." };
        var ks = new Option<string>("-k") { Description = "The k of pass@k, comma-separated (default 1,10,100); a k is reported only when every task has that many judged samples.", DefaultValueFactory = _ => "1,10,100" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds each sample may run (default 10; the compile step of compiled languages has the same).", DefaultValueFactory = _ => EvalOptions.DefaultTimeoutMs / 1000.0 };
        var parallel = new Option<int>("--parallel") { Description = "Samples run at once, each in its own sandbox (default: the number of processors).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<FileInfo?>("--out") { Description = "Results file (JSON Lines, one verdict per sample, appended as they come). Run again with the same file to resume." };
        var anyReturn = new Option<bool>("--any-return") { Description = "Python: send subclasses of built-in types (Counter, namedtuple) and numpy values to the checks as their plain equivalent instead of failing them (other objects still fail)." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };

        var cmd = new Command("eval", "Judge HumanEval-format samples in parallel sandboxes and compute pass@k.")
        {
            problems, samples, ks, timeout, parallel, output, anyReturn, json,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            EvalJob job;
            try
            {
                job = new EvalJob
                {
                    // Checked here rather than by the parser, whose errors exit 1: usage errors are 2.
                    ProblemsPath = ExistingFile(parse.GetValue(problems), "--problems"),
                    SamplesPath = ExistingFile(parse.GetValue(samples), "--samples"),
                    ResultsPath = parse.GetValue(output)?.FullName,
                    Ks = ParseKs(parse.GetValue(ks)!),
                    Options = new EvalOptions
                    {
                        Parallelism = parse.GetValue(parallel),
                        TimeoutMs = TimeoutMs(parse.GetValue(timeout)),
                        PlainReturnValuesOnly = !parse.GetValue(anyReturn),
                    },
                };
                job.Options.ResolveLimits();
            }
            catch (Exception ex) when (ex is FormatException or WardenException)
            {
                Console.Error.WriteLine($"warden: {ex.Message}");
                return ExitUsage;
            }

            var progress = new ProgressReporter(Console.Error, isTerminal: !Console.IsErrorRedirected, TimeProvider.System);
            EvalSummary summary;
            try
            {
                // Many Python samples: start the zygote now so they take the fast path.
                await using var engine = WardenEngine.Create();
                await engine.WarmUpAsync(ct);
                summary = await job.RunAsync(engine.Runner, progress, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine(job.ResultsPath is null
                    ? "warden: interrupted."
                    : "warden: interrupted; run the same command again to resume from the results file.");
                return ExitInterrupted;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or InvalidRequestException)
            {
                // IOException messages are resource keys in this trimmed build; name the file ourselves.
                Console.Error.WriteLine(ex is FileNotFoundException nf ? $"warden: cannot read {nf.FileName}." : $"warden: {ex.Message}");
                return ExitUsage;
            }

            if (parse.GetValue(json)) Console.Out.WriteLine(JsonSerializer.Serialize(summary, EvalJsonContext.Default.EvalSummary));
            else PrintSummary(summary, job.ResultsPath);
            return summary.Incomplete ? ExitIncomplete : 0;
        });
        return cmd;
    }

    private static string ExistingFile(FileInfo? file, string option) =>
        file is null ? throw new FormatException($"{option} is required.")
        : file.Exists ? file.FullName
        : throw new FormatException($"{option}: no such file: {file.FullName}");

    private static List<int> ParseKs(string text)
    {
        var ks = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1)
                throw new FormatException($"-k takes positive integers separated by commas; got '{part}'.");
            ks.Add(k);
        }
        return ks.Count > 0 ? ks : throw new FormatException("-k needs at least one value.");
    }

    private static int TimeoutMs(double seconds) =>
        double.IsFinite(seconds) && seconds > 0 && seconds <= 3600
            ? (int)Math.Ceiling(seconds * 1000)
            : throw new FormatException("--timeout must be between 0 and 3600 seconds.");

    private static void PrintSummary(EvalSummary s, string? resultsPath)
    {
        var o = Console.Out;
        o.WriteLine($"{s.Samples} samples of {s.Tasks} tasks: {s.Passed} passed, {s.Failed} failed, {s.TimedOut} timed out");
        foreach (var (name, value) in s.PassAtK) o.WriteLine($"{name}: {value.ToString("0.0000", CultureInfo.InvariantCulture)}");
        foreach (var k in s.UnreachedK) o.WriteLine($"pass@{k}: not computed (a task has fewer than {k} judged samples)");
        var retry = resultsPath is null ? "" : "; run again with the same --out to retry them";
        if (s.InfrastructureErrors > 0) o.WriteLine($"infrastructure errors: {s.InfrastructureErrors} (not counted as failures, not in pass@k{retry})");
        if (s.Skipped > 0) o.WriteLine($"skipped: {s.Skipped} (language not available here; see the results file or `warden languages`)");
    }
}
