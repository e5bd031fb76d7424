using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Warden.Execution;

namespace Warden.Bench.Eval;

/// <summary>
/// BENCHMARK BASELINE ONLY, NO ISOLATION: one plain <c>/usr/bin/python3</c> subprocess per
/// request, in a temporary directory, with the request's files, arguments, stdin and timeout.
/// It exists so the benchmark can compare the sandboxed harness with what an unisolated
/// harness would cost; it only ever runs the reference solutions of HumanEval.
/// </summary>
internal sealed class UnisolatedPythonRunner : ISandboxRunner
{
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Language != "python") throw new LanguageUnavailableException(request.Language ?? "", "The baseline runs Python only.");
        var dir = Directory.CreateTempSubdirectory("warden-bench-baseline-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "main.py"), request.Code, cancellationToken);
            foreach (var f in request.Files ?? [])
                await File.WriteAllTextAsync(Path.Combine(dir, f.Path), f.Content, cancellationToken);
            var psi = new ProcessStartInfo("/usr/bin/python3")
            {
                WorkingDirectory = dir,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in (string[])["-u", "main.py", .. request.Args ?? []]) psi.ArgumentList.Add(a);
            psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(psi)!;
            await process.StandardInput.WriteAsync(request.Stdin ?? "");
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var timedOut = false;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(request.Limits?.TimeoutMs ?? 10_000);
                try { await process.WaitForExitAsync(timeout.Token); }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                    cancellationToken.ThrowIfCancellationRequested();
                    timedOut = true;
                }
            }
            return new RunResult
            {
                Language = "python",
                Reason = timedOut ? RunReason.Timeout : process.ExitCode >= 0 ? RunReason.Exited : RunReason.Signaled,
                ExitCode = timedOut ? null : process.ExitCode,
                Stdout = await stdout,
                Stderr = await stderr,
                WallMs = clock.Elapsed.TotalMilliseconds,
                Path = "unisolated",
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public async IAsyncEnumerable<RunEvent> StreamAsync(RunRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new RunCompleted(await RunAsync(request, cancellationToken));
    }
}
