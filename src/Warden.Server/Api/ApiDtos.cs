using Warden.Eval;
using Warden.Policy;
using Warden.Server.Storage;

namespace Warden.Server.Api;

// The HTTP API's own request and response shapes (the run contract itself lives in Warden.Core).
#pragma warning disable CA1812 // instantiated by the JSON source generator

/// <summary>Every error: <c>{"error": {"code", "message"}}</c>, plus the field when one is to blame.</summary>
internal sealed record ErrorResponse(ErrorDetail Error);

/// <summary>A stable code, a sentence without host paths or stack traces, and the JSON path of the field at fault.</summary>
internal sealed record ErrorDetail(string Code, string Message)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Field { get; init; }
}

/// <summary><c>/status</c>: a one-line message (a client of ours probes it).</summary>
internal sealed record StatusResponse(string Message);

/// <summary><c>/healthz</c>.</summary>
internal sealed record HealthResponse(string Status);

/// <summary>A language and whether it runs here.</summary>
internal sealed record LanguageInfo(string Id, string Name, IReadOnlyList<string> Aliases, IReadOnlyList<string> Extensions, bool Available, string? Reason);

/// <summary><c>POST /v1/keys</c>.</summary>
internal sealed record KeyCreateRequest
{
    public required string Role { get; init; }
    public string? Owner { get; init; }
    public string? Name { get; init; }
}

/// <summary>A key as listed: never the key itself.</summary>
internal sealed record KeyInfo(string Id, string Role, string Owner, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A new key: the only time <see cref="Key"/> is shown.</summary>
internal sealed record KeyCreatedResponse(string Id, string Key, string Role, string Owner, string? Name, DateTimeOffset CreatedAt);

/// <summary>A page of the audit log, newest first; pass <see cref="Next"/> as <c>before</c> for the next page.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditRecord> Records, long? Next);

/// <summary><c>/v1/me</c>: who the key is and what it may use.</summary>
internal sealed record MeResponse(string KeyId, string Owner, string Role, QuotaInfo Quota);

/// <summary>A role's quota as the caller sees it.</summary>
internal sealed record QuotaInfo(int RequestsPerMinute, int ConcurrentRuns, int LiveSessions, Limits MaxLimits, Limits DefaultLimits);

/// <summary><c>POST /v1/evaluations</c>: HumanEval-format problems and samples (camelCase), judged in parallel sandboxes.</summary>
internal sealed record EvaluationRequest
{
    public required IReadOnlyList<Problem> Problems { get; init; }
    public required IReadOnlyList<Sample> Samples { get; init; }
    /// <summary>Per-sample timeout in ms (default 10 000).</summary>
    public int? TimeoutMs { get; init; }
    /// <summary>Samples at once (default and maximum: the key's concurrent-run quota).</summary>
    public int? Parallelism { get; init; }
    /// <summary>Other limits of each sandbox.</summary>
    public LimitsRequest? Limits { get; init; }
    /// <summary>The k of pass@k (default 1, 10, 100).</summary>
    public IReadOnlyList<int>? K { get; init; }
    /// <summary>Python: judge candidates that return objects other than plain built-in values.</summary>
    public bool AnyReturn { get; init; }
}

/// <summary>The last line of a stream that failed after it started.</summary>
internal sealed record StreamErrorEvent(string Type, ErrorDetail Error);
