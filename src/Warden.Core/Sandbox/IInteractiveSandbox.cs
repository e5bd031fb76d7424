namespace Warden.Sandbox;

/// <summary>
/// A long-lived sandbox whose program talks to Warden over its stdin and stdout (a session's
/// kernel). The sandbox has every layer of a one-shot run; its wall-clock limit is the
/// session's maximum lifetime. Disposing kills it and waits until it is reaped.
/// </summary>
public interface IInteractiveSandbox : IAsyncDisposable
{
    /// <summary>The program's stdin.</summary>
    Stream Input { get; }

    /// <summary>The program's stdout, raw and unbounded: the caller must read it with its own limits.</summary>
    Stream Output { get; }

    /// <summary>Completes when the program has ended and the sandbox is gone (every process dead, cgroup removed).</summary>
    Task<SandboxOutcome> Completion { get; }

    /// <summary>Sends SIGINT to the program (forwarded by the sandbox's pid 1). False when the sandbox has ended.</summary>
    bool Interrupt();

    /// <summary>Kills the whole sandbox; <see cref="Completion"/> then reports <see cref="SandboxOutcome.KilledByWarden"/>.</summary>
    void Kill();

    /// <summary>Current memory use of the whole sandbox, in bytes (0 when unknown).</summary>
    long MemoryBytes { get; }
}
