using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Warden.Server.Auth;

namespace Warden.Server.Api;

/// <summary>Small helpers shared by the endpoints.</summary>
internal static class Responses
{
    public static async Task JsonAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> info)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, info, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The authenticated caller (authorization has run, so there is one).</summary>
    public static WardenPrincipal Principal(HttpContext context) =>
        WardenPrincipal.From(context.User) ?? throw new ApiException(401, ErrorCodes.Unauthorized, "An API key is required.");

    public static ApiException NotFound(string what) => new(404, ErrorCodes.NotFound, $"No {what} with that id.");
}
