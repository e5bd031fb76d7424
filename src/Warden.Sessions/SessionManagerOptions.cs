using Warden.Policy;

namespace Warden.Sessions;

/// <summary>Options of a <see cref="SessionManager"/>. Defaults are stated on each property (and in docs/sessions.md).</summary>
public sealed record SessionManagerOptions
{
    /// <summary>Live sessions at once (starting, idle or busy). Default 16.</summary>
    public int MaxSessions { get; init; } = 16;

    /// <summary>Limits a session gets for fields its request leaves out. Default: Warden's defaults (<see cref="Limits.Default"/>).</summary>
    public Limits DefaultLimits { get; init; } = Limits.Default;

    /// <summary>Idle TTL when the request gives none, seconds. Default 900 (15 min).</summary>
    public int DefaultIdleTtlSeconds { get; init; } = 900;

    /// <summary>Maximum lifetime when the request gives none, seconds. Default 3600 (1 h).</summary>
    public int DefaultMaxLifetimeSeconds { get; init; } = 3600;

    /// <summary>Largest idle TTL or lifetime a request may ask for, seconds. Default 86 400 (1 day).</summary>
    public int MaxLifetimeCeilingSeconds { get; init; } = 86_400;

    /// <summary>How often the reaper looks at the sessions. Default 1 s.</summary>
    public TimeSpan ReapInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an ended session stays visible (so callers can learn why it ended). Default 10 min.</summary>
    public TimeSpan EndedRetention { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>After a cell's timeout interrupt, how long it may take to stop before the kernel is killed. Default 2 s.</summary>
    public TimeSpan InterruptGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a kernel may take to start and say it is ready. Default 20 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Largest upload, bytes. Default 256 MiB (the workspace's size bounds it too).</summary>
    public long MaxUploadBytes { get; init; } = 256L << 20;

    /// <summary>Largest download, bytes. Default 256 MiB.</summary>
    public long MaxDownloadBytes { get; init; } = 256L << 20;

    /// <summary>Rich outputs (images, HTML, ...) kept per cell, bytes; more are dropped. Default 32 MiB.</summary>
    public long MaxRichOutputBytes { get; init; } = 32L << 20;

    /// <summary>Largest message a kernel may send, bytes; a longer one ends the session (crashed). Default 48 MiB.</summary>
    public int MaxMessageBytes { get; init; } = 48 << 20;

    /// <summary>Commands running at once in one session. Default 8.</summary>
    public int MaxConcurrentCommands { get; init; } = 8;

    /// <summary>
    /// Python kernels kept started ahead for sessions that ask for the default profile (Python, the
    /// default limits, at most the default lifetime, no interpreter start-up variables): such a
    /// session starts in about a millisecond instead of tens. Each waits in its own sandbox (with the
    /// default limits, not counted as a session) and is used once. Default 0 (off).
    /// </summary>
    public int PreparedSessions { get; init; }

    /// <summary>How long a prepared kernel may wait before it is replaced by a fresh one. Default 5 min.</summary>
    public TimeSpan PreparedMaxAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Clock of the reaper and of every timestamp (tests inject a manual one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Whether the manager runs its reaper on a timer (tests turn it off and call <see cref="SessionManager.ReapAsync"/>). Default true.</summary>
    public bool RunReaper { get; init; } = true;

    /// <summary>Every value out of its bounds, the default limits' included (empty when valid).</summary>
    public IReadOnlyList<OptionProblem> Problems()
    {
        var p = new List<OptionProblem>();
        OptionProblem.Range(p, nameof(MaxSessions), MaxSessions, 1, 100_000);
        OptionProblem.Range(p, nameof(DefaultIdleTtlSeconds), DefaultIdleTtlSeconds, 1, 86_400);
        OptionProblem.Range(p, nameof(DefaultMaxLifetimeSeconds), DefaultMaxLifetimeSeconds, 1, 86_400);
        OptionProblem.Range(p, nameof(MaxLifetimeCeilingSeconds), MaxLifetimeCeilingSeconds, 1, 86_400 * 365L);
        OptionProblem.Range(p, nameof(MaxUploadBytes), MaxUploadBytes, 1024, 16L << 30);
        OptionProblem.Range(p, nameof(MaxDownloadBytes), MaxDownloadBytes, 1024, 16L << 30);
        OptionProblem.Range(p, nameof(MaxConcurrentCommands), MaxConcurrentCommands, 1, 4096);
        OptionProblem.Range(p, nameof(PreparedSessions), PreparedSessions, 0, 256);
        p.AddRange(LimitsRequest.Problems(DefaultLimits).Select(x => x.Under(nameof(DefaultLimits) + ":")));
        return p;
    }

    /// <summary>Throws when a value is out of its bounds.</summary>
    /// <exception cref="InvalidOptionsException">Lists every problem.</exception>
    public void Validate() => OptionProblem.ThrowIfAny("session manager options", Problems());
}
