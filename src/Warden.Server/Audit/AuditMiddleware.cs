using Microsoft.AspNetCore.Http;
using Warden.Server.Api;
using Warden.Server.Auth;
using Warden.Server.Configuration;
using Warden.Server.Storage;
using Warden.Server.UnixSocket;

namespace Warden.Server.Audit;

/// <summary>
/// One audit record per request (but /healthz, /readyz and CORS preflights): who, what, when, outcome,
/// status, duration and the resources a run used. Written after the response, through the
/// background <see cref="AuditWriter"/>.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next, AuditWriter writer, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals("/healthz", StringComparison.Ordinal) || context.Request.Path.Equals("/readyz", StringComparison.Ordinal) || HttpMethods.IsOptions(context.Request.Method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var at = time.GetUtcNow();
        var started = time.GetTimestamp();
        var entry = AuditEntry.Attach(context);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var aborted = context.RequestAborted.IsCancellationRequested;
            var status = aborted && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
            var principal = WardenPrincipal.From(context.User);
            var outcome = entry.KilledByShutdown ? "killed"
                : entry.FailureCode ?? (aborted ? "client-closed" : status < 400 ? "ok" : ErrorCodes.ForStatus(status));
            await writer.EnqueueAsync(new AuditRecord
            {
                Time = at,
                RequestId = context.TraceIdentifier,
                KeyId = principal?.KeyId,
                Owner = principal?.Owner,
                Role = principal is null ? null : Roles.Name(principal.Role),
                Remote = context.Features.Get<IPeerCredentialsFeature>() is { } peer ? $"unix:{peer.Uid}" : context.Connection.RemoteIpAddress?.ToString(),
                Action = entry.Action ?? context.GetEndpoint()?.Metadata.GetMetadata<AuditActionAttribute>()?.Action ?? "unknown",
                Target = entry.Target,
                Outcome = outcome,
                Status = status,
                DurationMs = Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 2),
                CpuMs = entry.CpuMs is { } cpu ? Math.Round(cpu, 2) : null,
                PeakMemoryBytes = entry.PeakMemoryBytes,
                Reason = entry.Reason,
                Code = entry.Code,
            }).ConfigureAwait(false);
        }
    }
}
