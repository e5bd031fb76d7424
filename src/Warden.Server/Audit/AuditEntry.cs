using Microsoft.AspNetCore.Http;
using Warden.Execution;

namespace Warden.Server.Audit;

/// <summary>
/// What a request's handler tells the audit log: the target, the resources a run used, its
/// reason, and (only with Audit:KeepCode) its code. The middleware adds who, when, status and duration.
/// </summary>
internal sealed class AuditEntry
{
    private static readonly object Key = new();

    public string? Action { get; set; }
    public string? Target { get; set; }
    public string? FailureCode { get; private set; }
    public double? CpuMs { get; set; }
    public long? PeakMemoryBytes { get; set; }
    public string? Reason { get; set; }
    public string? Code { get; set; }
    public bool KilledByShutdown { get; set; }

    public static AuditEntry? Of(HttpContext context) => context.Items.TryGetValue(Key, out var v) ? v as AuditEntry : null;

    public static AuditEntry Attach(HttpContext context)
    {
        var e = new AuditEntry();
        context.Items[Key] = e;
        return e;
    }

    public void Fail(string code) => FailureCode ??= code;

    /// <summary>Records what a run used (compile step included).</summary>
    public void Ran(RunResult r)
    {
        CpuMs = (CpuMs ?? 0) + r.CpuMs + (r.Compile?.CpuMs ?? 0);
        PeakMemoryBytes = Math.Max(PeakMemoryBytes ?? 0, Math.Max(r.PeakMemoryBytes, r.Compile?.PeakMemoryBytes ?? 0));
        Reason = System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(r.Reason.ToString());
    }
}
