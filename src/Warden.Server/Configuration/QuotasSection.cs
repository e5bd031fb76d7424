namespace Warden.Server.Configuration;

/// <summary>Quotas of each role. A principal is a key's owner with the key's role.</summary>
public sealed class QuotasSection
{
    /// <summary>Admin keys. Defaults: 600 requests/min, 16 concurrent runs, 32 live sessions, limits up to the hard bounds.</summary>
    public QuotaSection Admin { get; set; } = new()
    {
        RequestsPerMinute = 600,
        ConcurrentRuns = 16,
        LiveSessions = 32,
        MaxLimits = new Policy.LimitsRequest { TimeoutMs = 3_600_000, MemoryMb = 8192, Pids = 1024, Cpus = 8, OutputBytes = 64L << 20, DiskMb = 4096, OpenFiles = 4096 },
    };

    /// <summary>User keys. Defaults: 120 requests/min, 4 concurrent runs, 4 live sessions, limits up to 60 s, 1 GiB, 256 tasks, 2 cores, 8 MiB output, 256 MiB disk, 1024 files.</summary>
    public QuotaSection User { get; set; } = new()
    {
        RequestsPerMinute = 120,
        ConcurrentRuns = 4,
        LiveSessions = 4,
        MaxLimits = new Policy.LimitsRequest { TimeoutMs = 60_000, MemoryMb = 1024, Pids = 256, Cpus = 2, OutputBytes = 8L << 20, DiskMb = 256, OpenFiles = 1024 },
    };

    /// <summary>Reader keys (they run nothing). Defaults: 120 requests/min.</summary>
    public QuotaSection Reader { get; set; } = new()
    {
        RequestsPerMinute = 120,
        ConcurrentRuns = 0,
        LiveSessions = 0,
        MaxLimits = new Policy.LimitsRequest(),
    };
}
