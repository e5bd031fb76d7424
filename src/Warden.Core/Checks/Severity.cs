using System.Text.Json.Serialization;

namespace Warden.Checks;

/// <summary>How serious a finding is. Ordered: <see cref="Info"/> &lt; <see cref="Warn"/> &lt; <see cref="Block"/>.</summary>
public enum Severity
{
    /// <summary>Worth knowing; never refuses a run.</summary>
    [JsonStringEnumMemberName("info")]
    Info,
    /// <summary>Suspicious or risky; returned with the run.</summary>
    [JsonStringEnumMemberName("warn")]
    Warn,
    /// <summary>A dangerous call or a bypass trick; refuses the run in <see cref="CheckMode.Block"/> mode.</summary>
    [JsonStringEnumMemberName("block")]
    Block,
}

/// <summary>The wire names of <see cref="Severity"/>.</summary>
public static class Severities
{
    /// <summary><c>info</c>, <c>warn</c> or <c>block</c>.</summary>
    public static string Name(this Severity severity) => severity switch { Severity.Block => "block", Severity.Warn => "warn", _ => "info" };
}
