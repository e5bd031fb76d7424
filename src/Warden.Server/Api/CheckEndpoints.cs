using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Checks;
using Warden.Checks.Json;
using Warden.Server.Audit;
using Warden.Server.Configuration;
using Warden.Server.Quotas;

namespace Warden.Server.Api;

/// <summary>
/// <c>POST /v1/checks</c>: the advisory code checks on their own (the same checker and default
/// policy as a run's <c>check</c> field), so a caller in any language gets the findings without
/// running anything. Advisory: the sandbox, not these checks, is the security boundary.
/// </summary>
internal static class CheckEndpoints
{
    /// <summary>The report as <c>warden check --json</c> prints it, on one line.</summary>
    internal static JsonTypeInfo<CheckReport> Report { get; } = CreateReportInfo();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/checks", CheckAsync)
            .WithName("CheckCode")
            .WithSummary("Advisory code checks without running anything")
            .WithDescription("Answers the checks' report: language, mode, analyzed, findings [{ruleId, severity, line, column, message, suggestion}], highestSeverity, and blocked (whether a run with check: block would be refused). Languages without a checker answer analyzed: false.")
            .WithMetadata(new AuditActionAttribute("checks.create"))
            // Whoever may run code may check it; checking runs nothing, but a reader may not run either.
            .RequireAuthorization(Policies.Runner)
            .Accepts<CheckRequest>("application/json")
            .Produces<CheckReport>(200, "application/json")
            .Produces<ErrorResponse>(400).Produces<ErrorResponse>(401).Produces<ErrorResponse>(403).Produces<ErrorResponse>(413).Produces<ErrorResponse>(415).Produces<ErrorResponse>(429);
    }

    private static async Task CheckAsync(HttpContext context, ServerSettings settings, RunQuota quota)
    {
        var request = await JsonBody.ReadAsync(context, ServerJsonContext.Default.CheckRequest).ConfigureAwait(false);
        if (AuditEntry.Of(context) is { } audit)
        {
            audit.Target = request.Language.Length <= 64 ? request.Language : request.Language[..64];
            if (settings.Options.Audit.KeepCode) audit.Code = request.Code;
        }
        if (string.IsNullOrWhiteSpace(request.Language)) throw new InvalidRequestException("language", "language is required.");
        if (request.Language.Contains('\0')) throw new InvalidRequestException("language", "language contains a NUL character.");
        if (request.Code.Contains('\0')) throw new InvalidRequestException("code", "code contains a NUL character.");
        var mode = CheckModes.Parse(request.Mode, "mode", whenAbsent: CheckMode.Block);
        // Nothing starts, but checking a large program takes CPU seconds: it holds one of the
        // principal's run slots meanwhile, so a key cannot occupy more cores with checks than with runs.
        CheckReport report;
        using (quota.Enter(Responses.Principal(context)))
            report = CodeChecker.Check(request.Language, request.Code, CheckPolicy.Default with { Mode = mode });
        await Responses.JsonAsync(context, 200, report, Report).ConfigureAwait(false);
    }

    private static JsonTypeInfo<CheckReport> CreateReportInfo()
    {
        var o = new JsonSerializerOptions(ChecksJsonContext.Default.Options) { WriteIndented = false };
        o.MakeReadOnly();
        return (JsonTypeInfo<CheckReport>)o.GetTypeInfo(typeof(CheckReport));
    }
}
