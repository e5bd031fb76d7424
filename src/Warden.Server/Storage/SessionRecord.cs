namespace Warden.Server.Storage;

/// <summary>A session's metadata as stored: who owns it and whether it is live. Never its code or output.</summary>
internal sealed record SessionRecord
{
    public required string Id { get; init; }
    public required string Owner { get; init; }
    public string? KeyId { get; init; }
    public required string Language { get; init; }
    /// <summary><c>live</c>, <c>ended</c> or <c>lost</c> (live when the server stopped).</summary>
    public required string State { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? EndReason { get; init; }
    /// <summary>The session's limits, as JSON (so that a lost session can still be described).</summary>
    public string? LimitsJson { get; init; }
}
