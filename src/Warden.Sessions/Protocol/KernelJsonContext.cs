using System.Text.Json.Serialization;

namespace Warden.Sessions.Protocol;

/// <summary>Source-generated JSON of the kernel protocol: camelCase, nulls omitted, unknown fields ignored, shallow.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    MaxDepth = 64)]
[JsonSerializable(typeof(KernelMessage))]
[JsonSerializable(typeof(KernelRequest))]
internal sealed partial class KernelJsonContext : JsonSerializerContext;
