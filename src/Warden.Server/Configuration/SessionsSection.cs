namespace Warden.Server.Configuration;

/// <summary>Stateful sessions served by this server (per-principal caps are in Quotas).</summary>
public sealed class SessionsSection
{
    /// <summary>Live sessions on this server, all principals together. Default 64.</summary>
    public int MaxSessions { get; set; } = 64;

    /// <summary>Idle TTL when a request gives none, seconds. Default 900.</summary>
    public int IdleTtlSeconds { get; set; } = 900;

    /// <summary>Maximum lifetime when a request gives none, seconds. Default 3600.</summary>
    public int MaxLifetimeSeconds { get; set; } = 3600;

    /// <summary>Largest file upload, bytes, enforced while reading. Default 64 MiB.</summary>
    public long MaxUploadBytes { get; set; } = 64L << 20;

    /// <summary>Largest file download, bytes. Default 256 MiB.</summary>
    public long MaxDownloadBytes { get; set; } = 256L << 20;

    /// <summary>The session manager's options these settings describe, over <paramref name="defaultLimits"/>.</summary>
    public Sessions.SessionManagerOptions ToSessionManagerOptions(Policy.Limits defaultLimits) => new()
    {
        MaxSessions = MaxSessions,
        DefaultLimits = defaultLimits,
        DefaultIdleTtlSeconds = IdleTtlSeconds,
        DefaultMaxLifetimeSeconds = MaxLifetimeSeconds,
        MaxUploadBytes = MaxUploadBytes,
        MaxDownloadBytes = MaxDownloadBytes,
    };

    /// <summary>The configuration key of a <see cref="Sessions.SessionManagerOptions"/> property.</summary>
    public static string ConfigKey(string property) => property switch
    {
        nameof(Sessions.SessionManagerOptions.DefaultIdleTtlSeconds) => nameof(IdleTtlSeconds),
        nameof(Sessions.SessionManagerOptions.DefaultMaxLifetimeSeconds) => nameof(MaxLifetimeSeconds),
        _ => property,
    };
}
