using System.Text.Json;

namespace Warden.Sessions.Tests.Support;

/// <summary>Shortcuts over a cell's outputs.</summary>
internal static class Outputs
{
    public static string Stdout(this CellResult r) => string.Concat(r.Outputs.OfType<StreamOutput>().Where(s => s.Name == "stdout").Select(s => s.Text));

    public static string Stderr(this CellResult r) => string.Concat(r.Outputs.OfType<StreamOutput>().Where(s => s.Name == "stderr").Select(s => s.Text));

    public static string? Text(this CellResult r) =>
        r.Outputs.OfType<ExecuteResultOutput>().SingleOrDefault()?.Data is { } d && d.TryGetValue("text/plain", out var t) ? t.GetString() : null;

    public static ErrorOutput? Error(this CellResult r) => r.Outputs.OfType<ErrorOutput>().SingleOrDefault();

    public static string Describe(this CellResult r) => JsonSerializer.Serialize(r, SessionJson.Indented);
}
