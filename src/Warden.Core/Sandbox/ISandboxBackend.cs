namespace Warden.Sandbox;

/// <summary>
/// Runs one command in one fresh sandbox and reports what happened. The Linux
/// implementation builds it with bubblewrap, seccomp, cgroups and rlimits.
/// </summary>
public interface ISandboxBackend
{
    /// <summary>A short name for results and logs, such as <c>bubblewrap</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Fails with <see cref="IsolationUnavailableException"/> when a required layer of
    /// isolation is missing on this host. Cheap after the first call.
    /// </summary>
    void EnsureAvailable();

    /// <summary>
    /// Runs <paramref name="spec"/>. Returns only when every process of the sandbox is dead and
    /// its cgroup removed. On cancellation, kills and reaps, then throws <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<SandboxOutcome> ExecuteAsync(SandboxSpec spec, Func<OutputChunk, ValueTask>? onOutput, CancellationToken cancellationToken);

    /// <summary>
    /// Starts <paramref name="spec"/> as a long-lived sandbox with its stdin and stdout connected
    /// to the caller (stderr goes to <paramref name="onStderr"/>, capped at the output limit).
    /// <see cref="Policy.Limits.TimeoutMs"/> is the sandbox's maximum lifetime.
    /// </summary>
    Task<IInteractiveSandbox> StartAsync(SandboxSpec spec, Func<OutputChunk, ValueTask>? onStderr, CancellationToken cancellationToken);

    /// <summary>Whether the sandbox identity can execute a host path (for language availability).</summary>
    bool CanExecute(string hostPath);
}
