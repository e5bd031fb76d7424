using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Server.Storage;

namespace Warden.Server.Api;

/// <summary>Source-generated JSON of the server's own shapes: camelCase, unknown and duplicate members rejected.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    RespectNullableAnnotations = true,
    WriteIndented = false)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ReadinessResponse))]
[JsonSerializable(typeof(CheckRequest))]
[JsonSerializable(typeof(List<LanguageInfo>))]
[JsonSerializable(typeof(KeyCreateRequest))]
[JsonSerializable(typeof(KeyCreatedResponse))]
[JsonSerializable(typeof(KeyInfo))]
[JsonSerializable(typeof(List<KeyInfo>))]
[JsonSerializable(typeof(AuditPage))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(EvaluationRequest))]
[JsonSerializable(typeof(StreamErrorEvent))]
[JsonSerializable(typeof(AuditRecord))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
