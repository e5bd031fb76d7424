using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Warden.Server.Audit;

namespace Warden.Server.Api;

/// <summary>
/// Turns every exception into <c>{"error": {"code", "message"}}</c> with a fitting status. What
/// reaches the caller never holds a stack trace or a host path: Warden's own failures answer a
/// generic message with the request id, and the detail goes to the log under that id.
/// </summary>
internal sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            AuditEntry.Of(context)?.Fail("client-closed");
        }
        catch (Exception ex)
        {
            var (status, code, message, field, retry) = Map(context, ex);
            if (context.Response.HasStarted)
            {
                LogAfterStart(ex, context.TraceIdentifier);
                AuditEntry.Of(context)?.Fail(code);
                return;
            }
            await ErrorResponses.WriteAsync(context, status, code, message, field, retry).ConfigureAwait(false);
        }
    }

    private (int Status, string Code, string Message, string? Field, TimeSpan? RetryAfter) Map(HttpContext context, Exception ex)
    {
        switch (ex)
        {
            case ApiException a:
                return (a.Status, a.Code, a.Message, a.Field, a.RetryAfter);
            case InvalidRequestException i:
                return (400, i.Code, i.Message, i.Field, null);
            case LanguageUnavailableException l:
                return (400, l.Code, l.Message, "language", null);
            case System.Text.Json.JsonException j:
                var w = JsonErrors.From(j);
                return (400, w.Code, w.Message, (w as InvalidRequestException)?.Field, null);
            case BadHttpRequestException b:
                var st = b.StatusCode;
                return (st, ErrorCodes.ForStatus(st), st == 413 ? $"The request body is larger than {BodyLimit.Of(context)} bytes." : ErrorCodes.MessageForStatus(st), null, null);
            case IsolationUnavailableException iso:
                LogIsolation(iso, context.TraceIdentifier);
                return (503, iso.Code, $"This host cannot isolate code right now; nothing ran. An administrator can run `warden doctor`. (request {context.TraceIdentifier})", null, null);
            case SandboxException sb:
                LogSandbox(sb, context.TraceIdentifier);
                return (500, sb.Code, $"Warden could not set up or supervise the sandbox; nothing is left running. (request {context.TraceIdentifier})", null, null);
            default:
                LogUnexpected(ex, context.TraceIdentifier);
                return (500, ErrorCodes.Internal, $"Warden failed unexpectedly. (request {context.TraceIdentifier})", null, null);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Request {RequestId} failed unexpectedly")]
    private partial void LogUnexpected(Exception ex, string requestId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Request {RequestId}: isolation unavailable")]
    private partial void LogIsolation(Exception ex, string requestId);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Request {RequestId}: sandbox error")]
    private partial void LogSandbox(Exception ex, string requestId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Request {RequestId} failed after its response started")]
    private partial void LogAfterStart(Exception ex, string requestId);
}
