using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Warden.Server.Configuration;

namespace Warden.Server.Api;

/// <summary>
/// The body limit of a request: Server:MaxRequestBodyBytes, UnixSocket:MaxRequestBodyBytes on the
/// socket, or an endpoint's own (<see cref="BodyLimitAttribute"/>), whichever is smallest. Set
/// before anything reads the body; Kestrel enforces it while reading, and so does <see cref="JsonBody"/>.
/// </summary>
internal static class BodyLimit
{
    private static readonly object Key = new();

    public static void Apply(HttpContext context, long limit)
    {
        context.Items[Key] = limit;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } f) f.MaxRequestBodySize = limit;
    }

    public static long Of(HttpContext context) =>
        context.Items.TryGetValue(Key, out var v) && v is long l ? l
        : context.RequestServices.GetRequiredService<ServerSettings>().Options.Server.MaxRequestBodyBytes;
}

/// <summary>An endpoint's own body limit (file uploads take more than JSON calls).</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
internal sealed class BodyLimitAttribute(long bytes) : Attribute
{
    public long Bytes { get; } = bytes;
}
