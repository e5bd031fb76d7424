using System.Text.Json.Serialization;

namespace Warden.Checks;

/// <summary>Limits for one <see cref="SqliteGuard.Query"/> call. Defaults: 2 s, 1000 rows, 1 MiB of cell data, 100,000 characters of SQL.</summary>
public sealed record SqlGuardOptions
{
    /// <summary>Wall-clock budget; SQLite's progress handler interrupts the statement when it runs out. Default 2 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Rows returned at most; more set <see cref="SqlQueryResult.Truncated"/>. Default 1000.</summary>
    public int MaxRows { get; init; } = 1000;

    /// <summary>Bytes of cell data returned at most (text as UTF-8, blobs raw, numbers 8); also SQLite's cap on any one string or blob. Default 1 MiB.</summary>
    public int MaxBytes { get; init; } = 1 << 20;

    /// <summary>Longest SQL text accepted, in characters. Default 100,000.</summary>
    public int MaxSqlLength { get; init; } = 100_000;

    /// <summary>The clock the time budget is measured with.</summary>
    [JsonIgnore]
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks every limit is in range.</summary>
    /// <exception cref="InvalidRequestException">A limit is out of range.</exception>
    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(10))
            throw new InvalidRequestException("sql.timeout", "The SQL time budget must be between 1 ms and 10 minutes.");
        if (MaxRows is < 1 or > 1_000_000)
            throw new InvalidRequestException("sql.maxRows", "maxRows must be between 1 and 1,000,000.");
        if (MaxBytes is < 1024 or > 256 << 20)
            throw new InvalidRequestException("sql.maxBytes", "maxBytes must be between 1 KiB and 256 MiB.");
        if (MaxSqlLength is < 1 or > 10_000_000)
            throw new InvalidRequestException("sql.maxSqlLength", "maxSqlLength must be between 1 and 10,000,000.");
    }
}
