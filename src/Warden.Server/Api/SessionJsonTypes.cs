using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Warden.Sessions;

namespace Warden.Server.Api;

/// <summary>The session contract's JSON (Warden.Sessions), with duplicate members rejected like every request.</summary>
internal static class SessionJsonTypes
{
    private static readonly JsonSerializerOptions Options = Create();

    public static JsonTypeInfo<SessionCreateRequest> CreateRequest { get; } = TypeInfo<SessionCreateRequest>();
    public static JsonTypeInfo<SessionInfo> Info { get; } = TypeInfo<SessionInfo>();
    public static JsonTypeInfo<List<SessionInfo>> InfoList { get; } = TypeInfo<List<SessionInfo>>();
    public static JsonTypeInfo<CellRequest> CellRequest { get; } = TypeInfo<CellRequest>();
    public static JsonTypeInfo<CellResult> CellResult { get; } = TypeInfo<CellResult>();
    public static JsonTypeInfo<CellEvent> CellEvent { get; } = TypeInfo<CellEvent>();
    public static JsonTypeInfo<CommandRequest> CommandRequest { get; } = TypeInfo<CommandRequest>();
    public static JsonTypeInfo<CommandResult> CommandResult { get; } = TypeInfo<CommandResult>();
    public static JsonTypeInfo<CommandEvent> CommandEvent { get; } = TypeInfo<CommandEvent>();
    public static JsonTypeInfo<FileEntry> File { get; } = TypeInfo<FileEntry>();
    public static JsonTypeInfo<List<FileEntry>> FileList { get; } = TypeInfo<List<FileEntry>>();
    public static JsonTypeInfo<Policy.Limits> Limits { get; } = TypeInfo<Policy.Limits>();

    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(SessionJsonContext.Default.Options) { AllowDuplicateProperties = false };
        o.MakeReadOnly();
        return o;
    }
}
