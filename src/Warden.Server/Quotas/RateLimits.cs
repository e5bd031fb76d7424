using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Warden.Server.Api;
using Warden.Server.Auth;
using Warden.Server.Configuration;

namespace Warden.Server.Quotas;

/// <summary>
/// Request rate per principal (owner and role), never per connection: a token bucket holding a
/// minute's worth of the role's Quotas:*:RequestsPerMinute. Requests that are not authenticated
/// share a bucket per remote address. Past it: 429 with Retry-After.
/// </summary>
internal static class RateLimits
{
    public static IServiceCollection AddWardenRateLimits(this IServiceCollection services, ServerSettings settings)
    {
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (WardenPrincipal.From(context.User) is { } p)
                    return RateLimitPartition.GetTokenBucketLimiter(p.QuotaKey, _ => Bucket(settings.QuotaOf(p.Role).RequestsPerMinute));
                var remote = context.Connection.RemoteIpAddress?.ToString() ?? "unix";
                return RateLimitPartition.GetTokenBucketLimiter("ip:" + remote, _ => Bucket(settings.Options.Auth.UnauthenticatedRequestsPerMinute));
            });
            o.OnRejected = async (ctx, ct) =>
            {
                var retry = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var ra) ? ra : TimeSpan.FromSeconds(1);
                await ErrorResponses.WriteAsync(ctx.HttpContext, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                    $"Too many requests for this key; retry in {Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds))} s.", retryAfter: retry).ConfigureAwait(false);
            };
        });
        return services;
    }

    private static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, TimeSpan.TicksPerMinute / perMinute)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
