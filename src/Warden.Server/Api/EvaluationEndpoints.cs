using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Eval;
using Warden.Eval.Json;
using Warden.Execution;
using Warden.Server.Audit;
using Warden.Server.Hosting;
using Warden.Server.Quotas;

namespace Warden.Server.Api;

/// <summary>
/// <c>POST /v1/evaluations</c>: a batch of HumanEval-format samples in, verdicts streamed out as
/// they are reached (NDJSON, or SSE), the summary with pass@k last. Each sample runs in its own
/// sandbox; the batch counts as its parallelism against the key's concurrent-run quota.
/// </summary>
internal static class EvaluationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/evaluations", EvaluateAsync)
            .WithName("CreateEvaluation")
            .WithSummary("Judge HumanEval-format samples in parallel sandboxes; stream verdicts, then pass@k")
            .WithMetadata(new AuditActionAttribute("evaluations.create"))
            .RequireAuthorization(Policies.Runner)
            .Accepts<EvaluationRequest>("application/json")
            .Produces<SampleVerdict>(200, StreamFormats.NdJson, StreamFormats.EventStream)
            .Produces<ErrorResponse>(400).Produces<ErrorResponse>(403).Produces<ErrorResponse>(413).Produces<ErrorResponse>(429);
    }

    private static async Task EvaluateAsync(HttpContext context, ISandboxRunner runner, RunQuota quota, RunTracker tracker, TimeProvider time)
    {
        var principal = Responses.Principal(context);
        var req = await JsonBody.ReadAsync(context, ServerJsonContext.Default.EvaluationRequest).ConfigureAwait(false);
        var audit = AuditEntry.Of(context);
        if (audit is not null) audit.Target = $"{req.Samples.Count} samples";
        if (req.Problems.Count == 0) throw new InvalidRequestException("problems", "At least one problem is needed.");
        if (req.K is { } ks && ks.Any(k => k < 1)) throw new InvalidRequestException("k", "Every k must be 1 or more.");
        var timeout = req.TimeoutMs ?? EvalOptions.DefaultTimeoutMs;
        var limits = quota.ResolveAsRequest(principal, (req.Limits ?? new Policy.LimitsRequest()) with { TimeoutMs = timeout });
        var maxParallel = Math.Max(1, quota.QuotaOf(principal).ConcurrentRuns);
        var parallelism = req.Parallelism ?? maxParallel;
        if (parallelism < 1 || parallelism > maxParallel)
            throw new ApiException(403, ErrorCodes.QuotaExceeded, $"parallelism must be between 1 and this key's concurrent-run quota of {maxParallel}.") { Field = "parallelism" };
        var harness = new EvalHarness(runner, new EvalOptions
        {
            Parallelism = parallelism,
            TimeoutMs = timeout,
            Limits = limits,
            PlainReturnValuesOnly = !req.AnyReturn,
            TimeProvider = time,
        });
        var format = StreamFormats.Negotiate(context.Request);
        if (format == StreamFormat.None) format = StreamFormat.NdJson;

        using var slots = quota.Enter(principal, parallelism);
        using var run = tracker.Begin(context.RequestAborted);
        var verdicts = new List<SampleVerdict>();
        await using var e = harness.EvaluateAsync(req.Problems, req.Samples, run.Token).GetAsyncEnumerator(run.Token);
        var started = false;
        try
        {
            while (await e.MoveNextAsync().ConfigureAwait(false))
            {
                if (!started) { await StreamFormats.StartAsync(context, format).ConfigureAwait(false); started = true; }
                verdicts.Add(e.Current);
                await StreamFormats.WriteAsync(context, format, "verdict", Line("verdict", e.Current, EvalJsonContext.Default.SampleVerdict)).ConfigureAwait(false);
            }
            if (!started) await StreamFormats.StartAsync(context, format).ConfigureAwait(false);
            var summary = EvalSummary.Compute(verdicts, req.K ?? [1, 10, 100]);
            await StreamFormats.WriteAsync(context, format, "summary", Line("summary", summary, EvalJsonContext.Default.EvalSummary)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (run.KilledByShutdown)
        {
            if (audit is not null) audit.KilledByShutdown = true;
            if (!started) throw new ApiException(503, ErrorCodes.ShuttingDown, "The evaluation was stopped: Warden is shutting down.");
        }
        catch (InvalidRequestException ex) when (started)
        {
            audit?.Fail(ex.Code);
            await StreamFormats.WriteAsync(context, format, "error",
                JsonSerializer.SerializeToUtf8Bytes(new StreamErrorEvent("error", new ErrorDetail(ex.Code, ex.Message) { Field = ex.Field }), ServerJsonContext.Default.StreamErrorEvent)).ConfigureAwait(false);
        }
    }

    // {"type":"verdict","verdict":{...}}: the harness's own JSON (camelCase, kebab-case enums) inside an envelope.
    private static byte[] Line<T>(string type, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WritePropertyName(type);
            JsonSerializer.Serialize(w, value, info);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
