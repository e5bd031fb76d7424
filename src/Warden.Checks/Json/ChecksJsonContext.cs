using System.Text.Json.Serialization;

namespace Warden.Checks.Json;

/// <summary>Source-generated JSON for the checks' contract types: camelCase, enums as lower-case strings, unknown keys rejected.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(CheckPolicy))]
[JsonSerializable(typeof(CheckReport))]
[JsonSerializable(typeof(IReadOnlyList<RuleInfo>))]
public sealed partial class ChecksJsonContext : JsonSerializerContext;
