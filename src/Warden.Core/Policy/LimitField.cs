using System.Globalization;

namespace Warden.Policy;

/// <summary>
/// One field of <see cref="Limits"/> as the checks see it: its wire name, its value and its hard
/// bounds. Bounds checks, ceiling checks and their messages all walk <see cref="All"/>, so a
/// field is named the same way wherever it is refused.
/// </summary>
internal sealed record LimitField(string Name, Func<Limits, double> Value, double Min, double Max)
{
    /// <summary>Every field, in the order of the wire format.</summary>
    public static readonly IReadOnlyList<LimitField> All =
    [
        new("timeoutMs", l => l.TimeoutMs, LimitsRequest.Bounds.MinTimeoutMs, LimitsRequest.Bounds.MaxTimeoutMs),
        new("memoryMb", l => l.MemoryMb, LimitsRequest.Bounds.MinMemoryMb, LimitsRequest.Bounds.MaxMemoryMb),
        new("pids", l => l.Pids, LimitsRequest.Bounds.MinPids, LimitsRequest.Bounds.MaxPids),
        new("cpus", l => l.Cpus, LimitsRequest.Bounds.MinCpus, LimitsRequest.Bounds.MaxCpus),
        new("outputBytes", l => l.OutputBytes, LimitsRequest.Bounds.MinOutputBytes, LimitsRequest.Bounds.MaxOutputBytes),
        new("diskMb", l => l.DiskMb, LimitsRequest.Bounds.MinDiskMb, LimitsRequest.Bounds.MaxDiskMb),
        new("openFiles", l => l.OpenFiles, LimitsRequest.Bounds.MinOpenFiles, LimitsRequest.Bounds.MaxOpenFiles),
    ];

    /// <summary>The request field, as errors name it: <c>limits.memoryMb</c>.</summary>
    public string Path => "limits." + Name;

    /// <summary>A number as messages print it (invariant, no trailing zeros).</summary>
    public static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
