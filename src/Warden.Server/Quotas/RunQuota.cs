using System.Collections.Concurrent;
using Warden.Policy;
using Warden.Server.Api;
using Warden.Server.Auth;
using Warden.Server.Configuration;

namespace Warden.Server.Quotas;

/// <summary>
/// Per-principal quotas on what runs: concurrent runs (429 past it) and the largest limits a
/// request may ask for (403 naming the field). Sessions are counted in <see cref="SessionQuota"/>.
/// </summary>
internal sealed class RunQuota(ServerSettings settings)
{
    private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);

    /// <summary>Takes <paramref name="count"/> run slots of the principal, or throws 429.</summary>
    public IDisposable Enter(WardenPrincipal principal, int count = 1)
    {
        var quota = settings.QuotaOf(principal.Role).ConcurrentRuns;
        if (quota == 0) throw new ApiException(403, ErrorCodes.Forbidden, "This key's role may not run code.");
        while (true)
        {
            var current = _running.GetOrAdd(principal.QuotaKey, 0);
            if (current + count > quota)
                throw new ApiException(429, ErrorCodes.TooManyRuns,
                    $"This key's owner has {current} runs going and may have {quota} at once; retry when one finishes.", TimeSpan.FromSeconds(1));
            if (_running.TryUpdate(principal.QuotaKey, current + count, current)) return new Lease(this, principal.QuotaKey, count);
        }
    }

    public RoleQuota QuotaOf(WardenPrincipal principal) => settings.QuotaOf(principal.Role);

    /// <summary>Runs going for a principal.</summary>
    public int Running(WardenPrincipal principal) => _running.GetValueOrDefault(principal.QuotaKey);

    /// <summary>
    /// The limits a request gets: its own over the configured defaults, refused with 403 when a field
    /// it asks for is above the role's ceiling. Bounds errors are 400 as always.
    /// </summary>
    public Limits Resolve(WardenPrincipal principal, LimitsRequest? requested)
    {
        var limits = (requested ?? new LimitsRequest()).Resolve(settings.DefaultLimits);
        if (limits.FirstAbove(settings.QuotaOf(principal.Role).MaxLimits) is { } above)
            throw new ApiException(403, ErrorCodes.QuotaExceeded, above.Message("this key's quota")) { Field = above.Field };
        return limits;
    }

    /// <summary>The request's limits made explicit, so that the engine applies exactly what was checked.</summary>
    public LimitsRequest ResolveAsRequest(WardenPrincipal principal, LimitsRequest? requested) => Resolve(principal, requested).ToRequest();

    private sealed class Lease(RunQuota owner, string key, int count) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            owner._running.AddOrUpdate(key, 0, (_, v) => Math.Max(0, v - count));
        }
    }
}
