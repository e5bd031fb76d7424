using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Execution;
using Warden.Server.Audit;
using Warden.Server.Configuration;
using Warden.Server.Hosting;
using Warden.Server.Quotas;

namespace Warden.Server.Api;

/// <summary><c>POST /v1/runs</c>: one-shot runs, answered as the result contract or streamed.</summary>
internal static class RunEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/runs", RunAsync)
            .WithName("CreateRun")
            .WithSummary("Run code once in a fresh sandbox")
            .WithDescription("Answers the result contract (docs/api.md), with the advisory code checks' findings when check is warn or block. check: block with a block-level finding answers 422 code-check-blocked, the findings in error.findings, and runs nothing. With Accept: application/x-ndjson or text/event-stream, streams started/output/completed events; the run is killed if the client goes away.")
            .WithMetadata(new AuditActionAttribute("runs.create"))
            .RequireAuthorization(Policies.Runner)
            .Accepts<RunRequest>("application/json")
            .Produces<RunResult>(200, "application/json", StreamFormats.NdJson, StreamFormats.EventStream)
            .Produces<ErrorResponse>(400).Produces<ErrorResponse>(403).Produces<ErrorResponse>(413).Produces<ErrorResponse>(422).Produces<ErrorResponse>(429).Produces<ErrorResponse>(503);
    }

    private static async Task RunAsync(HttpContext context, ISandboxRunner runner, RunQuota quota, RunTracker tracker, ServerSettings settings)
    {
        var principal = Responses.Principal(context);
        var audit = AuditEntry.Of(context);
        var request = await JsonBody.ReadAsync(context, ServerJson.RunRequest).ConfigureAwait(false);
        if (audit is not null)
        {
            audit.Target = request.Language ?? Languages.LanguageDetector.Auto;
            if (settings.Options.Audit.KeepCode) audit.Code = request.Code;
        }
        RunRequestValidator.Validate(request);
        request = request with { Limits = quota.ResolveAsRequest(principal, request.Limits) };
        var format = StreamFormats.Negotiate(context.Request);

        using var slot = quota.Enter(principal);
        using var run = tracker.Begin(context.RequestAborted);
        try
        {
            if (format == StreamFormat.None)
            {
                var result = await runner.RunAsync(request, run.Token).ConfigureAwait(false);
                audit?.Ran(result);
                await Responses.JsonAsync(context, 200, result, ServerJson.RunResult).ConfigureAwait(false);
            }
            else
            {
                await StreamAsync(context, format, runner.StreamAsync(request, run.Token), audit).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (run.KilledByShutdown)
        {
            if (audit is not null) audit.KilledByShutdown = true;
            throw new ApiException(503, ErrorCodes.ShuttingDown, "The run was killed: Warden is shutting down.");
        }
    }

    private static async Task StreamAsync(HttpContext context, StreamFormat format, IAsyncEnumerable<RunEvent> events, AuditEntry? audit)
    {
        await using var e = events.GetAsyncEnumerator(context.RequestAborted);
        // The first event comes after validation and set-up, so errors before it are ordinary error responses.
        var more = await e.MoveNextAsync().ConfigureAwait(false);
        await StreamFormats.StartAsync(context, format).ConfigureAwait(false);
        try
        {
            while (more)
            {
                var ev = e.Current;
                if (ev is RunCompleted c) audit?.Ran(c.Result);
                var type = ev switch { RunStarted => "started", RunOutput => "output", _ => "completed" };
                await StreamFormats.WriteAsync(context, format, type, JsonSerializer.SerializeToUtf8Bytes(ev, ServerJson.RunEvent)).ConfigureAwait(false);
                more = await e.MoveNextAsync().ConfigureAwait(false);
            }
        }
        catch (WardenException ex) when (!context.RequestAborted.IsCancellationRequested && ex is not ApiException)
        {
            audit?.Fail(ex.Code);
            var safe = ex is InvalidRequestException or LanguageUnavailableException or LanguageAmbiguousException ? ex.Message : $"The run failed. (request {context.TraceIdentifier})";
            await StreamFormats.WriteAsync(context, format, "error",
                JsonSerializer.SerializeToUtf8Bytes(new StreamErrorEvent("error", new ErrorDetail(ex.Code, safe)), ServerJsonContext.Default.StreamErrorEvent)).ConfigureAwait(false);
        }
    }
}
