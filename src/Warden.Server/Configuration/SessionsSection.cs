namespace Warden.Server.Configuration;

/// <summary>Stateful sessions served by this server (per-principal caps are in Quotas).</summary>
public sealed class SessionsSection
{
    // The session manager's own defaults, where the server keeps them; it differs only where noted.
    private static readonly Sessions.SessionManagerOptions Library = new();

    /// <summary>Live sessions on this server, all principals together. Default 64 (a server holds more than the library's 16).</summary>
    public int MaxSessions { get; set; } = 64;

    /// <summary>Idle TTL when a request gives none, seconds. Default 900.</summary>
    public int IdleTtlSeconds { get; set; } = Library.DefaultIdleTtlSeconds;

    /// <summary>Maximum lifetime when a request gives none, seconds. Default 3600.</summary>
    public int MaxLifetimeSeconds { get; set; } = Library.DefaultMaxLifetimeSeconds;

    /// <summary>Largest file upload, bytes, enforced while reading. Default 64 MiB (below the library's 256 MiB: uploads come over the network).</summary>
    public long MaxUploadBytes { get; set; } = 64L << 20;

    /// <summary>Largest file download, bytes. Default 256 MiB.</summary>
    public long MaxDownloadBytes { get; set; } = Library.MaxDownloadBytes;

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
