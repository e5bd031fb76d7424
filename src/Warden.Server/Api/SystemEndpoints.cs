using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Execution;
using Warden.Linux.Isolation;
using Warden.Server.Audit;
using Warden.Server.Auth;
using Warden.Server.Configuration;
using Warden.Server.Hosting;

namespace Warden.Server.Api;

/// <summary><c>/healthz</c>, <c>/readyz</c>, <c>/status</c>, <c>/v1/languages</c> and <c>/v1/me</c>.</summary>
internal static partial class SystemEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        // As a Delegate, not a RequestDelegate, so that it carries OpenAPI metadata like the others.
        Delegate health = (HttpContext c) => Responses.JsonAsync(c, 200, new HealthResponse("ok"), ServerJsonContext.Default.HealthResponse);
        app.MapGet("/healthz", health)
            .WithName("Health").WithSummary("Liveness: cheap, unauthenticated, not rate-limited, not audited")
            .Produces<HealthResponse>(200)
            .AllowAnonymous().DisableRateLimiting();

        app.MapGet("/readyz", (HttpContext c, RunTracker tracker, EngineWarmUp warmUp) =>
            {
                var (status, body) = Readiness(tracker.Draining, warmUp.Current.State);
                return Responses.JsonAsync(c, status, body, ServerJsonContext.Default.ReadinessResponse);
            })
            .WithName("Ready").WithSummary("Readiness: 200 once the fast path is warm (or off, or failed: degraded), 503 while it warms up or the server stops; unauthenticated, not rate-limited, not audited")
            .Produces<ReadinessResponse>(200).Produces<ReadinessResponse>(503)
            .AllowAnonymous().DisableRateLimiting();

        app.MapGet("/status", (HttpContext c, RunTracker tracker, EngineWarmUp warmUp, LinuxSandboxBackend backend) =>
            {
                var w = warmUp.Current;
                var fastPath = new FastPathStatus(w.State, w.WarmUpMs, backend.PreparedPythonSandboxes, backend.PreparedNodeSandboxes, w.Reason);
                var message = tracker.Draining ? "Warden is shutting down." : $"Warden is running; {tracker.Active} runs going.";
                return Responses.JsonAsync(c, 200, new StatusResponse(message, fastPath), ServerJsonContext.Default.StatusResponse);
            })
            .WithName("Status").WithSummary("A one-line status message and the fast path's state (warm-up, prepared sandboxes, why it failed)")
            .WithMetadata(new AuditActionAttribute("status"))
            .Produces<StatusResponse>(200).Produces<ErrorResponse>(401);

        app.MapGet("/v1/languages", (HttpContext c, Runner runner) =>
            {
                var list = runner.Languages.Definitions.Select(d =>
                {
                    var s = runner.Languages.Status(d);
                    return new LanguageInfo(d.Id, WithoutHostPaths(d.Name), d.Aliases, d.Extensions, s.Available, s.Reason is null ? null : WithoutHostPaths(s.Reason));
                }).ToList();
                return Responses.JsonAsync(c, 200, list, ServerJsonContext.Default.ListLanguageInfo);
            })
            .WithName("ListLanguages").WithSummary("Every language, available here or not, and why not")
            .WithMetadata(new AuditActionAttribute("languages.list"))
            .Produces<List<LanguageInfo>>(200).Produces<ErrorResponse>(401);

        app.MapGet("/v1/me", (HttpContext c, ServerSettings settings) =>
            {
                var p = Responses.Principal(c);
                var q = settings.QuotaOf(p.Role);
                var me = new MeResponse(p.KeyId, p.Owner, Roles.Name(p.Role), new QuotaInfo(q.RequestsPerMinute, q.ConcurrentRuns, q.LiveSessions, q.MaxLimits, settings.DefaultLimits));
                return Responses.JsonAsync(c, 200, me, ServerJsonContext.Default.MeResponse);
            })
            .WithName("Me").WithSummary("The calling key: id, owner, role and quota")
            .WithMetadata(new AuditActionAttribute("me"))
            .Produces<MeResponse>(200).Produces<ErrorResponse>(401);
    }

    /// <summary>
    /// What <c>/readyz</c> answers. It is unauthenticated, so it says no more than the state: why a
    /// warm-up failed is in <c>/status</c> (authenticated) and the server log.
    /// </summary>
    internal static (int Status, ReadinessResponse Body) Readiness(bool draining, WarmUpState state) => (draining, state) switch
    {
        (true, _) => (503, new ReadinessResponse("shutting-down")),
        (_, WarmUpState.Warming) => (503, new ReadinessResponse("warming") { Reason = "The fast path is warming up; runs meanwhile take the cold path." }),
        (_, WarmUpState.Failed) => (200, new ReadinessResponse("degraded") { Reason = "The fast path could not start; runs take the cold path (still isolated). /status and the server log say why." }),
        _ => (200, new ReadinessResponse("ready")),
    };

    /// <summary>"/usr/bin/javac is not installed" → "javac is not installed": no host paths reach a remote caller.</summary>
    internal static string WithoutHostPaths(string text) => AbsolutePathRegex().Replace(text, m => Path.GetFileName(m.Value.TrimEnd('/')));

    [GeneratedRegex(@"(?<![\w.])/[^\s'"",;:()]+")]
    private static partial Regex AbsolutePathRegex();
}
