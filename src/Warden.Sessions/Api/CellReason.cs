using System.Text.Json.Serialization;

namespace Warden.Sessions;

/// <summary>Why a cell did not end with <see cref="CellStatus.Ok"/>. Serialized kebab-case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CellReason>))]
public enum CellReason
{
    /// <summary>The code raised an exception (see the <c>error</c> output).</summary>
    [JsonStringEnumMemberName("exception")] Exception,
    /// <summary>Interrupted on request.</summary>
    [JsonStringEnumMemberName("interrupted")] Interrupted,
    /// <summary>Ran past its timeout: interrupted (status error) or, when that failed, killed (status lost).</summary>
    [JsonStringEnumMemberName("timeout")] Timeout,
    /// <summary>Lost: out of memory.</summary>
    [JsonStringEnumMemberName("memory")] Memory,
    /// <summary>Lost: task limit.</summary>
    [JsonStringEnumMemberName("pids")] Pids,
    /// <summary>Lost: the session was killed, closed or restarted while the cell ran.</summary>
    [JsonStringEnumMemberName("killed")] Killed,
    /// <summary>Lost: the kernel exited or crashed.</summary>
    [JsonStringEnumMemberName("crashed")] Crashed,
}
