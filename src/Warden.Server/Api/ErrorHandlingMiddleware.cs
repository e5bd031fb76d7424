using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Warden.Execution;
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
            await ErrorResponses.WriteAsync(context, status, code, message, field, retry, (ex as Checks.CodeCheckBlockedException)?.Report.Findings).ConfigureAwait(false);
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
            case LanguageAmbiguousException amb:
                return (422, amb.Code, amb.Message, "language", null);
            case Checks.CodeCheckBlockedException refused:
                // Well-formed, but the advisory checks refused it (check: block); the findings go with the error.
                return (422, refused.Code, refused.Message, "code", null);
            case LanguageUnavailableException l:
                return (400, l.Code, SystemEndpoints.WithoutHostPaths(l.Message), "language", null);
            case Sessions.SessionNotFoundException:
                return (404, ErrorCodes.NotFound, "No such session.", null, null);
            case Sessions.SessionEndedException se:
                return (409, se.Code, se.Message, null, null);
            case Sessions.SessionLimitException sl:
                return (429, ErrorCodes.TooManySessions, "This server has as many live sessions as it may; retry later.", null, TimeSpan.FromSeconds(5));
            case Sessions.SessionInitException si:
                return (409, si.Code, SystemEndpoints.WithoutHostPaths(si.Message), null, null);
            case Sessions.SessionStartException ss when ss.InnerException is null:
                return (400, ss.Code, SystemEndpoints.WithoutHostPaths(ss.Message), "initCode", null);
            case Sessions.SessionFileException sf:
                return (sf.Code switch { "file-not-found" => 404, "file-too-large" => 413, "file-no-space" => 507, "file-not-empty" => 409, "file-error" => 500, _ => 400 },
                    sf.Code, SystemEndpoints.WithoutHostPaths(sf.Message), "path", null);
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
