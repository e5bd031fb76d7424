using System.Text.Json;
using System.Text.RegularExpressions;

namespace Warden.Server.Api;

/// <summary>
/// Turns System.Text.Json's exceptions into errors that name the field and say what is wrong,
/// without .NET type names (their messages leak them).
/// </summary>
internal static partial class JsonErrors
{
    // Each pattern matches the English message and the bare resource key of builds with
    // UseSystemResourceKeys (the CLI): "UnmappedJsonProperty, cod, Warden.Execution.RunRequest".
    public static WardenException From(JsonException ex)
    {
        var field = FieldOf(ex.Path);
        var m = ex.Message;
        if (UnmappedRegex().Match(m) is { Success: true } u)
        {
            var name = u.Groups[1].Success ? u.Groups[1].Value : u.Groups[2].Value;
            var full = field.Length == 0 ? name : field.EndsWith(name, StringComparison.Ordinal) ? field : field + "." + name;
            return new InvalidRequestException(full, $"Unknown field '{full}'.");
        }
        if (MissingRegex().Match(m) is { Success: true } r)
        {
            var names = (r.Groups[1].Success ? r.Groups[1].Value : r.Groups[2].Value).Replace("'", "", StringComparison.Ordinal).Trim();
            var full = field.Length == 0 ? names : field + "." + names;
            return new InvalidRequestException(full, $"Missing required field '{full}'.");
        }
        if (m.Contains("Duplicate", StringComparison.Ordinal))
            return new InvalidRequestException(field, $"Field '{field}' appears more than once.");
        if (IsInvalidUtf8(ex))
            return new ApiException(400, ErrorCodes.InvalidJson, "The body is not valid UTF-8.") { Field = field.Length == 0 ? null : field };
        if (m.Contains("could not be converted", StringComparison.Ordinal) || m.StartsWith("DeserializeUnableToConvertValue", StringComparison.Ordinal))
            return new InvalidRequestException(field, field.Length == 0 ? "The body must be a JSON object." : $"Field '{field}' has a value of the wrong type.");
        if (m.Contains("does not contain any JSON tokens", StringComparison.Ordinal) || m.StartsWith("ExpectedJsonTokens", StringComparison.Ordinal))
            return new ApiException(400, ErrorCodes.InvalidJson, "The body is empty; expected a JSON object.");
        var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : "";
        return new ApiException(400, ErrorCodes.InvalidJson, $"The body is not valid JSON{where}{(field.Length > 0 ? " (near '" + field + "')" : "")}.");
    }

    private static bool IsInvalidUtf8(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Text.DecoderFallbackException) return true;
            if (e != ex || e.InnerException is null)
            {
                var m = e.Message;
                if (m.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || m.Contains("UTF8", StringComparison.OrdinalIgnoreCase) || m.Contains("Transcode", StringComparison.OrdinalIgnoreCase))
                    return true;
            }
        }
        return false;
    }

    /// <summary><c>$.limits.memoryMb</c> → <c>limits.memoryMb</c>; <c>$.files[0].path</c> stays indexed.</summary>
    public static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "";
        var p = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return BracketNameRegex().Replace(p, m => "." + m.Groups[1].Value).TrimStart('.');
    }

    [GeneratedRegex(@"JSON property '([^']*)' could not be mapped|^UnmappedJsonProperty, ([^,]*),")]
    private static partial Regex UnmappedRegex();

    [GeneratedRegex(@"missing required properties including: (.*?)\.?$|^JsonRequiredPropertiesMissing, [^,]*, (.*)$")]
    private static partial Regex MissingRegex();

    [GeneratedRegex(@"\['([^']*)'\]")]
    private static partial Regex BracketNameRegex();
}
