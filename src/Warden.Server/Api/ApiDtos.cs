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

    /// <summary>With <c>code-check-blocked</c>: every finding of the checks that refused the run.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Warden.Checks.Finding>? Findings { get; init; }
}

/// <summary><c>/status</c>: a one-line message (a client of ours probes it) and the fast path's state.</summary>
internal sealed record StatusResponse(string Message, FastPathStatus FastPath);

/// <summary>The fast path as <c>/status</c> shows it (authenticated: pool sizes and the reason of a failure).</summary>
/// <param name="State"><c>warming</c>, <c>ready</c>, <c>failed</c> or <c>off</c>.</param>
/// <param name="WarmUpMs">How long the warm-up took; null while it runs or when off.</param>
/// <param name="PreparedPython">Python sandboxes prepared and waiting.</param>
/// <param name="PreparedJavaScript">JavaScript sandboxes prepared and waiting.</param>
/// <param name="Reason">Why the warm-up failed (no host paths); null otherwise.</param>
internal sealed record FastPathStatus(Hosting.WarmUpState State, double? WarmUpMs, int PreparedPython, int PreparedJavaScript, string? Reason);

/// <summary><c>/healthz</c>.</summary>
internal sealed record HealthResponse(string Status);

/// <summary><c>/readyz</c>: <c>ready</c>, <c>warming</c>, <c>degraded</c> (the fast path failed; runs go cold) or <c>shutting-down</c>.</summary>
internal sealed record ReadinessResponse(string Status)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}

/// <summary><c>POST /v1/checks</c>: the advisory code checks alone, nothing runs.</summary>
internal sealed record CheckRequest
{
    /// <summary>A language id or alias (python/py, javascript/js/node, bash, sh/shell; others are not analysed).</summary>
    public required string Language { get; init; }
    /// <summary>The program text.</summary>
    public required string Code { get; init; }
    /// <summary><c>block</c> (default: <c>blocked</c> says whether a run with <c>check: block</c> would be refused), <c>warn</c> or <c>off</c>.</summary>
    public string? Mode { get; init; }
}

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
