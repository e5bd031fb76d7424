using Warden.Execution;

namespace Warden.Sessions;

/// <summary>How a command ended.</summary>
public sealed record CommandResult
{
    /// <summary><c>exited</c>, <c>signaled</c>, <c>timeout</c>, <c>output-limit</c>, <c>killed</c> (cancelled, or the session ended) or <c>sandbox-error</c> (could not start).</summary>
    public RunReason Reason { get; init; }
    /// <summary>Exit code, when it exited.</summary>
    public int? ExitCode { get; init; }
    /// <summary>Signal name (<c>SIGKILL</c>), when killed by one.</summary>
    public string? Signal { get; init; }
    /// <summary>All of stdout (up to the limit).</summary>
    public string Stdout { get; init; } = "";
    /// <summary>All of stderr (up to the limit).</summary>
    public string Stderr { get; init; } = "";
    /// <summary>Whether output was cut at the session's output limit.</summary>
    public bool OutputTruncated { get; init; }
    /// <summary>Wall time, ms.</summary>
    public double WallMs { get; init; }
    /// <summary>Why it could not start, when <see cref="Reason"/> is sandbox-error.</summary>
    public string? Message { get; init; }
}
