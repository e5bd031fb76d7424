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

/// <summary>The wire names of <see cref="CheckMode"/> (<c>off</c>, <c>warn</c>, <c>block</c>), parsed in one place.</summary>
public static class CheckModes
{
    /// <summary>Parses a wire name; null or anything else is false.</summary>
    public static bool TryParse(string? name, out CheckMode mode)
    {
        switch (name)
        {
            case "off": mode = CheckMode.Off; return true;
            case "warn": mode = CheckMode.Warn; return true;
            case "block": mode = CheckMode.Block; return true;
            default: mode = CheckMode.Off; return false;
        }
    }

    /// <summary>Parses a caller's mode; null means <paramref name="whenAbsent"/>.</summary>
    /// <exception cref="InvalidRequestException">Not off, warn or block (named by <paramref name="field"/>).</exception>
    public static CheckMode Parse(string? name, string field, CheckMode whenAbsent = CheckMode.Off) =>
        name is null ? whenAbsent
        : TryParse(name, out var mode) ? mode
        : throw new InvalidRequestException(field, $"{field} must be off, warn or block.");

    /// <summary>The wire name of <paramref name="mode"/>.</summary>
    public static string Name(this CheckMode mode) => mode switch { CheckMode.Warn => "warn", CheckMode.Block => "block", _ => "off" };
}
