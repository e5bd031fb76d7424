using System.Security.Cryptography;

namespace Warden.Sessions;

/// <summary>Session ids: 128 random bits in lowercase base32 (26 characters), unguessable.</summary>
internal static class SessionIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[26];
        int bits = 0, value = 0, n = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[n++] = Alphabet[(value >> (bits - 5)) & 31];
                bits -= 5;
            }
        }
        if (bits > 0) chars[n++] = Alphabet[(value << (5 - bits)) & 31];
        return new string(chars[..n]);
    }

    /// <summary>Whether <paramref name="id"/> could be one of ours (cheap check before any lookup).</summary>
    public static bool LooksValid(string? id) => id is { Length: 26 } && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
