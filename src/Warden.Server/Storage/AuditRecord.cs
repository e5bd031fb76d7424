namespace Warden.Server.Storage;

/// <summary>
/// One audited request: who (key id and owner, never the key), what, when, the outcome and the
/// resources used. Never the code (unless Audit:KeepCode), the output, or any secret.
/// </summary>
internal sealed record AuditRecord
{
    /// <summary>Row id, increasing.</summary>
    public long Id { get; init; }
    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset Time { get; init; }
    /// <summary>The request's correlation id (also in the server log).</summary>
    public string? RequestId { get; init; }
    /// <summary>The key's public id (its prefix); null when unauthenticated.</summary>
    public string? KeyId { get; init; }
    /// <summary>The key's owner.</summary>
    public string? Owner { get; init; }
    /// <summary>The key's role.</summary>
    public string? Role { get; init; }
    /// <summary>Where the request came from: an IP address, or <c>unix:UID</c>.</summary>
    public string? Remote { get; init; }
    /// <summary>What was asked, such as <c>runs.create</c>.</summary>
    public required string Action { get; init; }
    /// <summary>What it was asked of: a language, a session id, a key id.</summary>
    public string? Target { get; init; }
    /// <summary><c>ok</c>, or the error code (<c>rate-limited</c>, <c>invalid-request</c>, ...), or <c>killed</c>.</summary>
    public required string Outcome { get; init; }
    /// <summary>The HTTP status sent (499 when the client went away first).</summary>
    public int Status { get; init; }
    /// <summary>Time spent on the request, in ms.</summary>
    public double DurationMs { get; init; }
    /// <summary>CPU time of the sandbox(es), in ms, when something ran.</summary>
    public double? CpuMs { get; init; }
    /// <summary>Peak memory of the sandbox, in bytes, when something ran.</summary>
    public long? PeakMemoryBytes { get; init; }
    /// <summary>The run's reason (<c>exited</c>, <c>timeout</c>, ...), when something ran.</summary>
    public string? Reason { get; init; }
    /// <summary>The code that ran; only with Audit:KeepCode.</summary>
    public string? Code { get; init; }
}
