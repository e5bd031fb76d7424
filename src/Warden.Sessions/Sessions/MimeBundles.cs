using System.Text.Json;
using System.Text.RegularExpressions;

namespace Warden.Sessions;

/// <summary>Checks what a kernel sends as outputs: mime types, value kinds, sizes; strips ANSI codes from errors.</summary>
internal static partial class MimeBundles
{
    private const int MaxEntries = 32, MaxTracebackLines = 2000, MaxErrorText = 256 * 1024;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.+\-]{0,63}/[a-z0-9][a-z0-9.+\-]{0,127}$")]
    private static partial Regex MimeType();

    [GeneratedRegex(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)?|[@-Z\\-_])")]
    private static partial Regex Ansi();

    private static bool IsJson(string mime) => mime == "application/json" || mime.EndsWith("+json", StringComparison.Ordinal);

    /// <summary>The acceptable part of a bundle and its size in characters.</summary>
    public static (Dictionary<string, JsonElement> Data, long Size) Clean(Dictionary<string, JsonElement>? data)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        long size = 0;
        if (data is null) return (result, 0);
        foreach (var (mime, value) in data)
        {
            if (result.Count >= MaxEntries || !MimeType().IsMatch(mime)) continue;
            if (IsJson(mime))
            {
                size += value.GetRawText().Length;
            }
            else if (value.ValueKind == JsonValueKind.String)
            {
                size += value.GetString()!.Length;
            }
            else
            {
                continue;
            }
            result[mime] = value;
        }
        return (result, size);
    }

    /// <summary>Metadata keyed by mime type (objects only).</summary>
    public static Dictionary<string, JsonElement> CleanMetadata(Dictionary<string, JsonElement>? metadata)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (metadata is null) return result;
        foreach (var (k, v) in metadata)
            if (result.Count < MaxEntries && k.Length <= 200 && v.ValueKind == JsonValueKind.Object && v.GetRawText().Length <= 16 * 1024)
                result[k] = v;
        return result;
    }

    /// <summary>Text without ANSI escape sequences, cut at a sane length.</summary>
    public static string StripAnsi(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var t = text.Contains('\x1B', StringComparison.Ordinal) ? Ansi().Replace(text, "") : text;
        return t.Length > MaxErrorText ? t[..MaxErrorText] + "... [truncated]" : t;
    }

    /// <summary>An error output from what the kernel said.</summary>
    public static ErrorOutput Error(string? ename, string? evalue, List<string>? traceback) =>
        new(StripAnsi(ename), StripAnsi(evalue), (traceback ?? []).Take(MaxTracebackLines).Select(StripAnsi).ToList());
}
