using System.Security.Cryptography;
using System.Text;
using Warden.Server.Storage;

namespace Warden.Server.Auth;

/// <summary>
/// API keys: <c>wdn_&lt;id&gt;_&lt;secret&gt;</c>, where the id is 10 hex digits (public, used for
/// lookup and shown in lists and the audit log) and the secret is 32 random bytes (base64url).
/// Only the SHA-256 of the whole key is stored; a presented key is compared in constant time.
/// A 256-bit random secret needs no slow hash: there is nothing to guess.
/// </summary>
internal sealed class ApiKeys(IWardenStore store, TimeProvider time)
{
    public const string Prefix = "wdn_";
    private const int IdLength = 10;
    private const int SecretLength = 43; // base64url of 32 bytes, unpadded
    // Compared against when the id is unknown, so that unknown and wrong keys cost the same.
    private static readonly byte[] DummyHash = SHA256.HashData("warden-dummy-key"u8);

    /// <summary>Creates and stores a key; returns its record and the key itself, which is never stored or shown again.</summary>
    public (ApiKeyRecord Record, string Key) Create(Role role, string? owner, string? name)
    {
        if (owner is not null) ValidateLabel("owner", owner);
        if (name is not null) ValidateLabel("name", name);
        for (var attempt = 0; ; attempt++)
        {
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
            var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
            var key = Prefix + id + "_" + secret;
            var record = new ApiKeyRecord
            {
                Id = id,
                Hash = SHA256.HashData(Encoding.ASCII.GetBytes(key)),
                Role = role,
                Owner = owner ?? id,
                Name = name,
                CreatedAt = time.GetUtcNow(),
            };
            if (store.AddKey(record)) return (record, key);
            if (attempt > 8) throw new WardenException("internal-error", "Could not allocate a key id.");
        }
    }

    /// <summary>The live key <paramref name="presented"/> is, or null (malformed, unknown, wrong secret, revoked).</summary>
    public ApiKeyRecord? Verify(string presented)
    {
        if (!TryParseId(presented, out var id))
            return null;
        var record = store.FindKey(id);
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(presented));
        var equal = CryptographicOperations.FixedTimeEquals(hash, record?.Hash ?? DummyHash);
        return equal && record is { RevokedAt: null } ? record : null;
    }

    /// <summary>Whether <paramref name="key"/> has the shape of a Warden key; gives its id.</summary>
    public static bool TryParseId(string key, out string id)
    {
        id = "";
        if (key.Length != Prefix.Length + IdLength + 1 + SecretLength || !key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var idPart = key.AsSpan(Prefix.Length, IdLength);
        if (key[Prefix.Length + IdLength] != '_') return false;
        foreach (var c in idPart) if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        foreach (var c in key.AsSpan(Prefix.Length + IdLength + 1)) if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')) return false;
        id = idPart.ToString();
        return true;
    }

    /// <summary>Owners and names: 1-64 characters of letters, digits, <c>.-_@</c>.</summary>
    public static void ValidateLabel(string field, string value)
    {
        if (value.Length is 0 or > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
            throw new InvalidRequestException(field, $"{field} must be 1 to 64 letters, digits or .-_@.");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
