using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Execution;
using Warden.Languages;
using Warden.Policy;

namespace Warden.Json;

/// <summary>Source-generated JSON for every contract type: camelCase, enums kebab-case, nulls written.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = false,
    PropertyNameCaseInsensitive = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(RunRequest))]
[JsonSerializable(typeof(RunResult))]
[JsonSerializable(typeof(RunEvent))]
[JsonSerializable(typeof(List<LanguageDefinition>))]
[JsonSerializable(typeof(LimitsRequest))]
[JsonSerializable(typeof(Limits))]
public sealed partial class WardenJsonContext : JsonSerializerContext;

/// <summary>Shared serializer options built on <see cref="WardenJsonContext"/>.</summary>
public static class WardenJson
{
    /// <summary>Options of the contract (camelCase, kebab-case reasons, unknown fields rejected).</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>Indented variant for humans.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var o = new JsonSerializerOptions(WardenJsonContext.Default.Options) { WriteIndented = indented };
        o.MakeReadOnly();
        return o;
    }
}
