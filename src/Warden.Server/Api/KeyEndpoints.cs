using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Server.Audit;
using Warden.Server.Auth;
using Warden.Server.Storage;

namespace Warden.Server.Api;

/// <summary>Key administration (admin only): create (the key is shown once), list, get, revoke.</summary>
internal static class KeyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/keys").RequireAuthorization(Policies.Admin);

        keys.MapPost("", async (HttpContext c, ApiKeys apiKeys) =>
            {
                var req = await JsonBody.ReadAsync(c, ServerJsonContext.Default.KeyCreateRequest).ConfigureAwait(false);
                if (!Roles.TryParse(req.Role, out var role)) throw new InvalidRequestException("role", "role must be admin, user or reader.");
                var (record, key) = apiKeys.Create(role, req.Owner, req.Name);
                if (AuditEntry.Of(c) is { } a) a.Target = record.Id;
                c.Response.Headers.Location = "/v1/keys/" + record.Id;
                await Responses.JsonAsync(c, 201, new KeyCreatedResponse(record.Id, key, Roles.Name(record.Role), record.Owner, record.Name, record.CreatedAt),
                    ServerJsonContext.Default.KeyCreatedResponse).ConfigureAwait(false);
            })
            .WithName("CreateKey").WithSummary("Create an API key; the key is in this response only")
            .WithMetadata(new AuditActionAttribute("keys.create"))
            .Accepts<KeyCreateRequest>("application/json")
            .Produces<KeyCreatedResponse>(201).Produces<ErrorResponse>(400).Produces<ErrorResponse>(403);

        keys.MapGet("", (HttpContext c, IWardenStore store) =>
                Responses.JsonAsync(c, 200, store.ListKeys().Select(Info).ToList(), ServerJsonContext.Default.ListKeyInfo))
            .WithName("ListKeys").WithSummary("Every key (never the keys themselves)")
            .WithMetadata(new AuditActionAttribute("keys.list"))
            .Produces<List<KeyInfo>>(200).Produces<ErrorResponse>(403);

        keys.MapGet("/{id}", (HttpContext c, string id, IWardenStore store) =>
            {
                if (AuditEntry.Of(c) is { } a) a.Target = Clip(id);
                var k = store.FindKey(id) ?? throw Responses.NotFound("key");
                return Responses.JsonAsync(c, 200, Info(k), ServerJsonContext.Default.KeyInfo);
            })
            .WithName("GetKey").WithSummary("One key")
            .WithMetadata(new AuditActionAttribute("keys.get"))
            .Produces<KeyInfo>(200).Produces<ErrorResponse>(404);

        keys.MapDelete("/{id}", (HttpContext c, string id, IWardenStore store, TimeProvider time) =>
            {
                if (AuditEntry.Of(c) is { } a) a.Target = Clip(id);
                if (!store.RevokeKey(id, time.GetUtcNow())) throw Responses.NotFound("live key");
                c.Response.StatusCode = 204;
                return Task.CompletedTask;
            })
            .WithName("RevokeKey").WithSummary("Revoke a key; it stops working at once")
            .WithMetadata(new AuditActionAttribute("keys.revoke"))
            .Produces(204).Produces<ErrorResponse>(404);
    }

    private static KeyInfo Info(ApiKeyRecord k) => new(k.Id, Roles.Name(k.Role), k.Owner, k.Name, k.CreatedAt, k.RevokedAt);

    internal static string Clip(string s) => s.Length <= 64 ? s : s[..64];
}
