namespace Warden.Execution;

/// <summary>
/// Runs code once in a fresh sandbox. The library's main entry point; the CLI, HTTP and
/// MCP faces all call it.
/// </summary>
public interface ISandboxRunner
{
    /// <summary>
    /// Runs the request and returns when the sandbox is gone: every process dead, the cgroup
    /// removed. What the program did (exit code, signal, timeout, OOM...) is in the result.
    /// </summary>
    /// <exception cref="InvalidRequestException">The request is malformed.</exception>
    /// <exception cref="LanguageUnavailableException">Unknown language or missing toolchain.</exception>
    /// <exception cref="IsolationUnavailableException">The host cannot isolate; nothing ran.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled; the sandbox was killed and reaped first.</exception>
    Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="RunAsync"/>, yielding output as it is produced and the result last.</summary>
    IAsyncEnumerable<RunEvent> StreamAsync(RunRequest request, CancellationToken cancellationToken = default);
}
