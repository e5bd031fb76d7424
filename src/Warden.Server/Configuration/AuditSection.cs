namespace Warden.Server.Configuration;

/// <summary>The audit log (SQLite, in the data directory).</summary>
public sealed class AuditSection
{
    /// <summary>Keep the code of runs and cells in the audit log. Default false: code, output and secrets are never stored.</summary>
    public bool KeepCode { get; set; }

    /// <summary>Records waiting for the background writer before requests wait for it. Default 65 536.</summary>
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>Records older than this many days are deleted at start and daily; 0 keeps them forever. Default 90.</summary>
    public int RetentionDays { get; set; } = 90;
}
