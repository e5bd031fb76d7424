using System.Text.Json.Serialization;

namespace Warden.Sessions;

/// <summary>Where a session is in its life. Serialized kebab-case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SessionState>))]
public enum SessionState
{
    /// <summary>The sandbox and its kernel are starting (or the init code is running).</summary>
    [JsonStringEnumMemberName("starting")] Starting,
    /// <summary>Alive, no cell running.</summary>
    [JsonStringEnumMemberName("idle")] Idle,
    /// <summary>Alive, a cell is running.</summary>
    [JsonStringEnumMemberName("busy")] Busy,
    /// <summary>The kernel died or was killed without being asked to close; see <see cref="SessionInfo.Reason"/>. Its state is gone.</summary>
    [JsonStringEnumMemberName("lost")] Lost,
    /// <summary>Ended on purpose (kill, idle TTL, lifetime, shutdown); see <see cref="SessionInfo.Reason"/>.</summary>
    [JsonStringEnumMemberName("closed")] Closed,
}
