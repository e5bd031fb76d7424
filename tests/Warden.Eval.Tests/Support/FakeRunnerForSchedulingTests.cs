using System.Runtime.CompilerServices;
using Warden.Execution;

namespace Warden.Eval.Tests.Support;

/// <summary>
/// A FAKE runner, only for unit tests of scheduling, resume and aggregation: it runs nothing.
/// For a Python request it answers what the real driver would for a completion that is one of
/// the words below, echoing the nonce from stdin on "pass". Everything about judging real
/// code is tested against the real sandboxed runner (Integration/).
/// </summary>
internal sealed class FakeRunnerForSchedulingTests(TimeSpan delay) : ISandboxRunner
{
    private int _running;

    public int MaxConcurrent { get; private set; }

    public int Calls { get; private set; }

    public List<string> Completions { get; } = [];

    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        var completion = request.Files!.Single(f => f.Path == "sample.py").Content!;
        lock (Completions)
        {
            Calls++;
            Completions.Add(completion);
            MaxConcurrent = Math.Max(MaxConcurrent, ++_running);
        }
        try
        {
            await Task.Delay(delay, cancellationToken);
            var nonce = request.Stdin!.TrimEnd('\n');
            return completion switch
            {
                _ when completion.Contains("pass", StringComparison.Ordinal) => Result(RunReason.Exited, 0, $"\n__WARDEN_EVAL_PASS__ {nonce}\n"),
                _ when completion.Contains("exit0", StringComparison.Ordinal) => Result(RunReason.Exited, 0, ""),
                _ when completion.Contains("sandbox-error", StringComparison.Ordinal) => Result(RunReason.SandboxError, null, "") with { Message = "bwrap failed" },
                _ when completion.Contains("throw-sandbox", StringComparison.Ordinal) => throw new SandboxException("cgroup vanished"),
                _ when completion.Contains("no-language", StringComparison.Ordinal) => throw new LanguageUnavailableException("python", "Language 'python' is not available on this host: /usr/bin/python3 is not installed."),
                _ when completion.Contains("timeout", StringComparison.Ordinal) => Result(RunReason.Timeout, null, ""),
                _ => Result(RunReason.Exited, 1, "") with { Stderr = "Traceback...\nAssertionError\n" },
            };
        }
        finally
        {
            lock (Completions) _running--;
        }
    }

    public async IAsyncEnumerable<RunEvent> StreamAsync(RunRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new RunCompleted(await RunAsync(request, cancellationToken));
    }

    private static RunResult Result(RunReason reason, int? exitCode, string stdout) =>
        new() { Language = "python", Reason = reason, ExitCode = exitCode, Stdout = stdout };
}
