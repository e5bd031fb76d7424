using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Warden.Server.Api;

/// <summary>
/// Reads a JSON body with the size limit enforced while reading (413), unknown and duplicate
/// fields rejected, invalid UTF-8 refused, and every error naming the field (400).
/// </summary>
internal static class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> info)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType, "Send the body as application/json (UTF-8).");
        var limit = BodyLimit.Of(context);
        if (request.ContentLength is { } length && length > limit) throw LimitedReadStream.TooLarge(limit);
        await using var body = new LimitedReadStream(request.Body, limit);
        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync(body, info, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw JsonErrors.From(ex);
        }
        return value ?? throw new InvalidRequestException("", "The body must be a JSON object, not null.");
    }

    public static bool IsJson(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mt)) return false;
        if (!mt.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return false;
        return mt.Charset.Length == 0 || mt.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }
}

