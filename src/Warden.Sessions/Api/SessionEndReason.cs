using System.Text.Json.Serialization;

namespace Warden.Sessions;

/// <summary>Why a session ended. Serialized kebab-case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SessionEndReason>))]
public enum SessionEndReason
{
    /// <summary>Killed on request (<see cref="ISessionManager.KillAsync"/>).</summary>
    [JsonStringEnumMemberName("killed")] Killed,
    /// <summary>Closed by the reaper after its idle TTL.</summary>
    [JsonStringEnumMemberName("idle")] Idle,
    /// <summary>Closed by the reaper at its maximum lifetime.</summary>
    [JsonStringEnumMemberName("expired")] Expired,
    /// <summary>Closed because the session manager shut down.</summary>
    [JsonStringEnumMemberName("shutdown")] Shutdown,
    /// <summary>Lost: the sandbox went past its memory limit and the kernel was OOM-killed.</summary>
    [JsonStringEnumMemberName("memory")] Memory,
    /// <summary>Lost: the sandbox hit its task limit and the kernel died.</summary>
    [JsonStringEnumMemberName("pids")] Pids,
    /// <summary>Lost: a cell ran past its timeout, ignored the interrupt, and the kernel was killed.</summary>
    [JsonStringEnumMemberName("timeout")] Timeout,
    /// <summary>Lost: the kernel exited, was killed by a signal, broke the protocol, or did not start.</summary>
    [JsonStringEnumMemberName("crashed")] Crashed,
}
