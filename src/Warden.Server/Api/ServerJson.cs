using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Warden.Execution;
using Warden.Json;

namespace Warden.Server.Api;

/// <summary>The JSON settings of every request and response.</summary>
internal static class ServerJson
{
    /// <summary>The run contract's options (Warden.Core) with duplicate members rejected too.</summary>
    public static JsonSerializerOptions Contract { get; } = Create();

    public static JsonTypeInfo<RunRequest> RunRequest { get; } = (JsonTypeInfo<RunRequest>)Contract.GetTypeInfo(typeof(RunRequest));
    public static JsonTypeInfo<RunResult> RunResult { get; } = (JsonTypeInfo<RunResult>)Contract.GetTypeInfo(typeof(RunResult));
    public static JsonTypeInfo<RunEvent> RunEvent { get; } = (JsonTypeInfo<RunEvent>)Contract.GetTypeInfo(typeof(RunEvent));

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(WardenJsonContext.Default.Options) { AllowDuplicateProperties = false };
        o.MakeReadOnly();
        return o;
    }
}
