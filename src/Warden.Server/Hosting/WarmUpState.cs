using System.Text.Json.Serialization;

namespace Warden.Server.Hosting;

/// <summary>Where the engine's warm-up stands (<see cref="EngineWarmUp"/>).</summary>
internal enum WarmUpState
{
    /// <summary>The zygotes are starting and preparing their children; runs meanwhile take the cold path.</summary>
    [JsonStringEnumMemberName("warming")]
    Warming,
    /// <summary>The fast path is ready: Python runs at the default limits take a prepared child.</summary>
    [JsonStringEnumMemberName("ready")]
    Ready,
    /// <summary>The fast path could not start; every run takes the cold path (still fully isolated).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
    /// <summary>The fast path is turned off (Engine:FastPath:Enabled false); nothing to warm.</summary>
    [JsonStringEnumMemberName("off")]
    Off,
}
