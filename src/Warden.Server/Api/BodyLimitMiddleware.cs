using Microsoft.AspNetCore.Http;
using Warden.Server.Configuration;
using Warden.Server.UnixSocket;

namespace Warden.Server.Api;

/// <summary>Sets each request's body limit before anything reads it (after routing, so an endpoint can ask for its own).</summary>
internal sealed class BodyLimitMiddleware(RequestDelegate next, ServerSettings settings)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimitAttribute>()?.Bytes ?? settings.Options.Server.MaxRequestBodyBytes;
        if (context.Features.Get<IPeerCredentialsFeature>() is not null) limit = Math.Min(limit, settings.Options.UnixSocket.MaxRequestBodyBytes);
        BodyLimit.Apply(context, limit);
        return next(context);
    }
}
