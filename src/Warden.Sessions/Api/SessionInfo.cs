using Warden.Policy;

namespace Warden.Sessions;

/// <summary>A snapshot of one session, as listed and returned by the manager.</summary>
public sealed record SessionInfo
{
    /// <summary>Unguessable id (128 random bits, base32).</summary>
    public required string Id { get; init; }
    /// <summary>The principal that created it.</summary>
    public required string Owner { get; init; }
    /// <summary>Kernel language id.</summary>
    public required string Language { get; init; }
    /// <summary>Current state.</summary>
    public required SessionState State { get; init; }
    /// <summary>Why it ended (null while alive).</summary>
    public SessionEndReason? Reason { get; init; }
    /// <summary>A human explanation of the ending, when there is one.</summary>
    public string? Message { get; init; }
    /// <summary>Cells run since the start or the last restart.</summary>
    public int ExecutionCount { get; init; }
    /// <summary>The limits in force.</summary>
    public required Limits Limits { get; init; }
    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Last request served (start of the last cell, end of the last cell, file or command).</summary>
    public DateTimeOffset LastActivityAt { get; init; }
    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>Idle TTL in seconds.</summary>
    public int IdleTtlSeconds { get; init; }
    /// <summary>When it will be closed whatever it is doing.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Memory the whole sandbox uses now, bytes (0 once ended).</summary>
    public long MemoryBytes { get; init; }
}
