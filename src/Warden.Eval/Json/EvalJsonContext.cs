using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Eval.Json;

/// <summary>
/// Source-generated JSON for the harness's contract in Warden's style (camelCase, enums
/// kebab-case): what the library and the HTTP API stream as NDJSON.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    WriteIndented = false)]
[JsonSerializable(typeof(SampleVerdict))]
[JsonSerializable(typeof(EvalSummary))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(Sample))]
[JsonSerializable(typeof(List<Problem>))]
[JsonSerializable(typeof(List<Sample>))]
public sealed partial class EvalJsonContext : JsonSerializerContext;
