using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Warden.Checks;

/// <summary>
/// What a read-only query returned. Cell values are <c>null</c>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="string"/> or <see cref="T:byte[]"/> (blobs).
/// </summary>
public sealed record SqlQueryResult
{
    /// <summary>Column names, in order.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>The rows returned (at most the caps allowed).</summary>
    public required IReadOnlyList<IReadOnlyList<object?>> Rows { get; init; }

    /// <summary>True when more rows existed than the caps allowed.</summary>
    public bool Truncated => TruncatedBy is not null;

    /// <summary><c>max-rows</c> or <c>max-bytes</c> when truncated, else null.</summary>
    public string? TruncatedBy { get; init; }

    /// <summary>Time spent preparing and stepping the statement.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>A GitHub-flavoured markdown table (pipes and newlines in cells escaped; NULL shown as <c>NULL</c>).</summary>
    public string ToMarkdown()
    {
        if (Columns.Count == 0) return "_(no columns)_\n";
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", Columns.Select(Escape)).Append(" |\n");
        sb.Append('|').Append(string.Concat(Enumerable.Repeat(" --- |", Columns.Count))).Append('\n');
        foreach (var row in Rows)
            sb.Append("| ").AppendJoin(" | ", row.Select(v => Escape(Display(v)))).Append(" |\n");
        if (Truncated) sb.Append('\n').Append(CultureInfo.InvariantCulture, $"_Truncated after {Rows.Count} rows ({TruncatedBy})._\n");
        return sb.ToString();
    }

    /// <summary>
    /// <c>{"columns":[…],"rows":[[…]],"rowCount":n,"truncated":bool,"truncatedBy":…,"elapsedMs":…}</c>;
    /// blobs are base64 strings, non-finite reals are the strings <c>Infinity</c>/<c>-Infinity</c>.
    /// </summary>
    public string ToJson(bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteStartArray("columns");
            foreach (var c in Columns) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteStartArray("rows");
            foreach (var row in Rows)
            {
                w.WriteStartArray();
                foreach (var v in row) WriteValue(w, v);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteNumber("rowCount", Rows.Count);
            w.WriteBoolean("truncated", Truncated);
            if (TruncatedBy is null) w.WriteNull("truncatedBy");
            else w.WriteString("truncatedBy", TruncatedBy);
            w.WriteNumber("elapsedMs", Math.Round(Elapsed.TotalMilliseconds, 3));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case null: w.WriteNullValue(); break;
            case long l: w.WriteNumberValue(l); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case double d: w.WriteStringValue(d > 0 ? "Infinity" : d < 0 ? "-Infinity" : "NaN"); break;
            case byte[] b: w.WriteBase64StringValue(b); break;
            default: w.WriteStringValue(Convert.ToString(v, CultureInfo.InvariantCulture)); break;
        }
    }

    private static string Display(object? v) => v switch
    {
        null => "NULL",
        byte[] b => $"<blob {b.Length} bytes>",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Escape(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)
         .Replace("\r\n", "<br>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal).Replace("\r", "<br>", StringComparison.Ordinal);
}
