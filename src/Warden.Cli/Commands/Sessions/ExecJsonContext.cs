using System.Text.Json.Serialization;

namespace Warden.Cli.Commands.Sessions;

/// <summary>JSON of <see cref="ExecOutput"/>, in the session contract's shape.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, WriteIndented = true)]
[JsonSerializable(typeof(ExecOutput))]
internal sealed partial class ExecJsonContext : JsonSerializerContext;
