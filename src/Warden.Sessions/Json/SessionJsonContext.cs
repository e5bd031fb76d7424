using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Policy;

namespace Warden.Sessions;

/// <summary>Source-generated JSON for the session contract: camelCase, enums kebab-case, as the rest of Warden.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(SessionCreateRequest))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(List<SessionInfo>))]
[JsonSerializable(typeof(IReadOnlyList<SessionInfo>))]
[JsonSerializable(typeof(CellRequest))]
[JsonSerializable(typeof(CellResult))]
[JsonSerializable(typeof(CellEvent))]
[JsonSerializable(typeof(CellOutput))]
[JsonSerializable(typeof(CommandRequest))]
[JsonSerializable(typeof(CommandResult))]
[JsonSerializable(typeof(CommandEvent))]
[JsonSerializable(typeof(FileEntry))]
[JsonSerializable(typeof(List<FileEntry>))]
[JsonSerializable(typeof(IReadOnlyList<FileEntry>))]
[JsonSerializable(typeof(LimitsRequest))]
[JsonSerializable(typeof(Limits))]
public sealed partial class SessionJsonContext : JsonSerializerContext;

/// <summary>Serializer options of the session contract, built on <see cref="SessionJsonContext"/>.</summary>
public static class SessionJson
{
    /// <summary>Compact options (camelCase, kebab-case enums, unknown fields rejected).</summary>
    public static JsonSerializerOptions Options { get; } = Create(false);

    /// <summary>Indented variant for humans.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var o = new JsonSerializerOptions(SessionJsonContext.Default.Options) { WriteIndented = indented };
        o.MakeReadOnly();
        return o;
    }
}
