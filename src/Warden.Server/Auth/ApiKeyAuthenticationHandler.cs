using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Server.Api;
using Warden.Server.Configuration;

namespace Warden.Server.Auth;

/// <summary>
/// <c>Authorization: Bearer wdn_…</c>, or (when Auth:Basic is on) HTTP Basic with an API key as
/// the password. Anonymous only when Auth:AnonymousLoopback is on and the caller is on loopback
/// TCP. 401 and 403 answer in the error shape.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeys keys, ServerSettings settings) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "warden";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            if (settings.Options.Auth.AnonymousLoopback && Context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
                && Context.Features.Get<UnixSocket.IPeerCredentialsFeature>() is null)
                return Task.FromResult(Success(new WardenPrincipal(WardenPrincipal.AnonymousKeyId, WardenPrincipal.AnonymousKeyId, settings.AnonymousRole)));
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (headers.Count > 1) return Task.FromResult(AuthenticateResult.Fail("several Authorization headers"));
        var value = headers[0] ?? "";
        string? key = null;
        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = value["Bearer ".Length..].Trim();
        }
        else if (value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (!settings.Options.Auth.Basic) return Task.FromResult(AuthenticateResult.Fail("HTTP Basic is not enabled"));
            key = BasicPassword(value["Basic ".Length..].Trim());
        }
        if (key is null) return Task.FromResult(AuthenticateResult.Fail("unsupported credentials"));
        var record = keys.Verify(key);
        if (record is null) return Task.FromResult(AuthenticateResult.Fail("unknown or revoked key"));
        return Task.FromResult(Success(new WardenPrincipal(record.Id, record.Owner, record.Role)));
    }

    private AuthenticateResult Success(WardenPrincipal p) =>
        AuthenticateResult.Success(new AuthenticationTicket(p.ToClaims(SchemeName), SchemeName));

    private static string? BasicPassword(string encoded)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : text[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = settings.Options.Auth.Basic ? "Bearer, Basic realm=\"warden\"" : "Bearer";
        await ErrorResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
            settings.Options.Auth.Basic
                ? "An API key is required: Authorization: Bearer wdn_… (or HTTP Basic with the key as the password)."
                : "An API key is required: Authorization: Bearer wdn_…");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "This key's role may not do this.");
}
