namespace Warden.Server.Configuration;

/// <summary>The quota of one role.</summary>
public sealed class QuotaSection
{
    /// <summary>Requests per minute (a token bucket holding one minute's worth); past it: 429 with Retry-After.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Runs at once (an evaluation counts as its parallelism); past it: 429.</summary>
    public int ConcurrentRuns { get; set; }

    /// <summary>Live sessions at once; past it: 429.</summary>
    public int LiveSessions { get; set; }

    /// <summary>The largest limits a request may ask for; asking for more is 403 naming the field. Absent fields: the hard bounds.</summary>
    public Policy.LimitsRequest MaxLimits { get; set; } = new();
}
