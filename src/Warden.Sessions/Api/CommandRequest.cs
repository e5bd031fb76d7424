namespace Warden.Sessions;

/// <summary>A command to run inside a session's sandbox (next to its kernel, sharing its limits and workspace).</summary>
public sealed record CommandRequest
{
    /// <summary>A shell command line, run by <c>/bin/sh -c</c>. Give this or <see cref="Argv"/>.</summary>
    public string? Command { get; init; }
    /// <summary>Program and arguments, run without a shell.</summary>
    public IReadOnlyList<string>? Argv { get; init; }
    /// <summary>Working directory relative to /workspace (default /workspace).</summary>
    public string? Cwd { get; init; }
    /// <summary>Variables added to the session's environment for this command.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }
    /// <summary>Text given on stdin (default: none, stdin is /dev/null).</summary>
    public string? Stdin { get; init; }
    /// <summary>Wall-clock limit in ms (default: the session's <c>limits.timeoutMs</c>); past it the command's process group is killed.</summary>
    public int? TimeoutMs { get; init; }
}
