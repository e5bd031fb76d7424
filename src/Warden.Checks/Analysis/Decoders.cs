using System.Text;

namespace Warden.Checks.Analysis;

/// <summary>
/// The decoders obfuscated code uses to hide names (base64, hex, rot13), applied to literals
/// so that the checks see what the program will see. Failures return null: a string that does
/// not decode is simply unknown.
/// </summary>
internal static class Decoders
{
    public static string? Base64(string s)
    {
        var clean = new StringBuilder(s.Length);
        foreach (var c in s)
            if (!char.IsWhiteSpace(c)) clean.Append(c switch { '-' => '+', '_' => '/', _ => c });
        while (clean.Length % 4 != 0) clean.Append('=');
        try { return Latin1OrUtf8(Convert.FromBase64String(clean.ToString())); }
        catch (FormatException) { return null; }
    }

    public static string? Hex(string s)
    {
        var clean = new string(s.Where(c => !char.IsWhiteSpace(c)).ToArray());
        try { return Latin1OrUtf8(Convert.FromHexString(clean)); }
        catch (FormatException) { return null; }
    }

    public static string Rot13(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c is >= 'a' and <= 'z') chars[i] = (char)('a' + (c - 'a' + 13) % 26);
            else if (c is >= 'A' and <= 'Z') chars[i] = (char)('A' + (c - 'A' + 13) % 26);
        }
        return new string(chars);
    }

    public static string Reverse(string s)
    {
        var chars = s.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }

    /// <summary>Percent-decoding as JavaScript's <c>unescape</c>/<c>decodeURIComponent</c> do it (lenient).</summary>
    public static string Percent(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (s[i] == '%' && i + 5 < s.Length && s[i + 1] == 'u' && s.AsSpan(i + 2, 4).ToString().All(IsHex))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 2, 4), 16));
                i += 5;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    public static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    /// <summary>Appends the UTF-16 form of a code point, ignoring invalid ones.</summary>
    public static void AppendCodePoint(StringBuilder sb, long codePoint)
    {
        if (codePoint is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF))
            sb.Append(char.ConvertFromUtf32((int)codePoint));
    }

    private static string Latin1OrUtf8(byte[] bytes)
    {
        try { return new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException) { return Encoding.Latin1.GetString(bytes); }
    }
}
