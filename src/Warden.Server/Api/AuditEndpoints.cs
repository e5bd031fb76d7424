using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Server.Audit;
using Warden.Server.Storage;

namespace Warden.Server.Api;

/// <summary><c>GET /v1/audit</c> (admin): the audit log, newest first, in pages.</summary>
internal static class AuditEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/audit", (HttpContext c, IWardenStore store, int? limit, long? before, string? owner, string? keyId, string? action) =>
            {
                var n = limit ?? 100;
                if (n is < 1 or > 1000) throw new InvalidRequestException("limit", "limit must be between 1 and 1000.");
                var records = store.QueryAudit(new AuditQuery { Limit = n, BeforeId = before, Owner = owner, KeyId = keyId, Action = action });
                var next = records.Count == n ? records[^1].Id : (long?)null;
                return Responses.JsonAsync(c, 200, new AuditPage(records, next), ServerJsonContext.Default.AuditPage);
            })
            .WithName("ListAudit").WithSummary("The audit log, newest first; filter by owner, keyId, action; page with before")
            .WithMetadata(new AuditActionAttribute("audit.list"))
            .RequireAuthorization(Policies.Admin)
            .Produces<AuditPage>(200).Produces<ErrorResponse>(400).Produces<ErrorResponse>(403);
    }
}
