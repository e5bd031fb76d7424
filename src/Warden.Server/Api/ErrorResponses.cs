using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Warden.Server.Audit;

namespace Warden.Server.Api;

/// <summary>Writes <c>{"error": {"code", "message"}}</c> with a status, and notes the outcome for the audit log.</summary>
internal static class ErrorResponses
{
    public static async Task WriteAsync(HttpContext context, int status, string code, string message, string? field = null, TimeSpan? retryAfter = null,
        IReadOnlyList<Warden.Checks.Finding>? findings = null)
    {
        AuditEntry.Of(context)?.Fail(code);
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        if (retryAfter is { } ra)
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(ra.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new ErrorResponse(new ErrorDetail(code, message) { Field = string.IsNullOrEmpty(field) ? null : field, Findings = findings });
        await JsonSerializer.SerializeAsync(context.Response.Body, body, ServerJsonContext.Default.ErrorResponse, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The error object alone, for the last line of a stream that failed after it started.</summary>
    public static ErrorDetail Detail(string code, string message) => new(code, message);
}
