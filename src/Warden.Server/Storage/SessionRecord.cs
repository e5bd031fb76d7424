namespace Warden.Server.Storage;

/// <summary>A session's metadata as stored: who owns it and whether it is live. Never its code or output.</summary>
internal sealed record SessionRecord
{
    /// <summary>Values of <see cref="State"/>.</summary>
    public const string Live = "live", Closed = "closed", Lost = "lost";
    /// <summary>The reason stored for sessions still live when a Warden that did not stop cleanly starts again.</summary>
    public const string ServerRestart = "server-restart";

    public required string Id { get; init; }
    public required string Owner { get; init; }
    public string? KeyId { get; init; }
    public required string Language { get; init; }
    /// <summary>
    /// <c>live</c>, <c>closed</c> or <c>lost</c>, as the session ended (recorded when it ended; lost with
    /// reason <c>shutdown</c> when Warden's stop ended it, or <c>server-restart</c> when Warden died
    /// without recording an end).
    /// </summary>
    public required string State { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? EndReason { get; init; }
    /// <summary>The session's limits, as JSON (so that a lost session can still be described).</summary>
    public string? LimitsJson { get; init; }
}
