using System.Security.Claims;

namespace Warden.Server.Auth;

/// <summary>
/// Who is calling: a key (its public id, never the key), its owner and role. Keys of one owner
/// share sessions and quotas; the quota partition is owner and role together.
/// </summary>
internal sealed record WardenPrincipal(string KeyId, string Owner, Role Role)
{
    public const string OwnerClaim = "warden:owner";
    public const string AnonymousKeyId = "anonymous";

    public bool IsAnonymous => KeyId == AnonymousKeyId;

    /// <summary>The partition of rate limits and quotas.</summary>
    public string QuotaKey => Roles.Name(Role) + ":" + Owner;

    public bool CanSee(string owner) => Role == Role.Admin || string.Equals(owner, Owner, StringComparison.Ordinal);

    public ClaimsPrincipal ToClaims(string scheme) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, KeyId), new Claim(OwnerClaim, Owner), new Claim(ClaimTypes.Role, Roles.Name(Role))],
        scheme, ClaimTypes.NameIdentifier, ClaimTypes.Role));

    public static WardenPrincipal? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var owner = user.FindFirstValue(OwnerClaim);
        if (id is null || owner is null || !Roles.TryParse(user.FindFirstValue(ClaimTypes.Role), out var role)) return null;
        return new WardenPrincipal(id, owner, role);
    }
}
