using System.Text.Json.Serialization;

namespace Warden.Checks;

/// <summary>What the code checks do to a run. They are advisory either way: the sandbox is the security boundary.</summary>
public enum CheckMode
{
    /// <summary>No checks run.</summary>
    [JsonStringEnumMemberName("off")]
    Off,
    /// <summary>Findings are returned with the run; nothing is refused.</summary>
    [JsonStringEnumMemberName("warn")]
    Warn,
    /// <summary>A run with any finding at <see cref="Severity.Block"/> is refused, with the findings.</summary>
    [JsonStringEnumMemberName("block")]
    Block,
}
