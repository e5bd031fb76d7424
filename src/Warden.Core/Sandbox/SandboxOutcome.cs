namespace Warden.Sandbox;

/// <summary>
/// What a backend observed about one sandboxed command: the raw facts, before they are
/// turned into a <see cref="Execution.RunReason"/> by <see cref="OutcomeClassifier"/>.
/// </summary>
public sealed record SandboxOutcome
{
    /// <summary>Whether the command was executed (the sandbox was set up and exec succeeded).</summary>
    public bool Started { get; init; }
    /// <summary>Why the sandbox could not be set up, when <see cref="Started"/> is false. Safe to show remotely.</summary>
    public string? SetupError { get; init; }
    /// <summary>Host-side detail of a setup failure (may hold host paths: for local logs and the CLI only).</summary>
    public string? Diagnostic { get; init; }
    /// <summary>Exit code, when the command exited.</summary>
    public int? ExitCode { get; init; }
    /// <summary>Signal number, when the command was killed by one.</summary>
    public int? Signal { get; init; }
    /// <summary>Warden killed the tree because the wall-clock timeout passed.</summary>
    public bool TimedOut { get; init; }
    /// <summary>Warden killed the tree because an output stream passed its cap.</summary>
    public bool OutputLimitHit { get; init; }
    /// <summary>Warden killed the tree on request (cancellation or an explicit kill).</summary>
    public bool KilledByWarden { get; init; }
    /// <summary>The sandbox's cgroup counted at least one OOM kill.</summary>
    public bool OomKilled { get; init; }
    /// <summary>The sandbox's cgroup refused at least one fork at the task limit.</summary>
    public bool PidsLimitHit { get; init; }
    /// <summary>The sandbox's cgroup was throttled at its CPU quota at least once during the run (<c>cpu.stat</c> nr_throttled).</summary>
    public bool CpuThrottled { get; init; }
    /// <summary>A writable tmpfs of the sandbox (/workspace, /tmp, /dev/shm) was full when the program ended, as reported from inside the sandbox.</summary>
    public bool DiskFull { get; init; }
    /// <summary>Standard output (decoded, capped).</summary>
    public string Stdout { get; init; } = "";
    /// <summary>Standard error (decoded, capped).</summary>
    public string Stderr { get; init; } = "";
    /// <summary>Whether stdout was cut at the cap.</summary>
    public bool StdoutTruncated { get; init; }
    /// <summary>Whether stderr was cut at the cap.</summary>
    public bool StderrTruncated { get; init; }
    /// <summary>Wall time, ms.</summary>
    public double WallMs { get; init; }
    /// <summary>CPU time of the whole tree, ms.</summary>
    public double CpuMs { get; init; }
    /// <summary>Peak memory of the whole tree, bytes.</summary>
    public long PeakMemoryBytes { get; init; }
    /// <summary>Which path ran: <c>cold</c> (a sandbox started for this run), <c>zygote</c> (a prepared zygote child), <c>zygote-on-demand</c> (a zygote child prepared for this run), <c>node-prepared</c> (a JavaScript run on a node started ahead in a zygote child).</summary>
    public string Path { get; init; } = "cold";
    /// <summary>Files collected from /workspace.</summary>
    public IReadOnlyList<CollectedFile> Files { get; init; } = [];
}

/// <summary>A file collected from the sandbox; <see cref="Content"/> is null when it was skipped.</summary>
public sealed record CollectedFile(string Path, long Size, byte[]? Content, string? Skipped);
