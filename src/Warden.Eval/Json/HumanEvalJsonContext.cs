using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Eval.Json;

/// <summary>
/// JSON in HumanEval's own shape (snake_case: <c>task_id</c>, <c>entry_point</c>,
/// <c>completion_id</c>): problem and sample files, and the results file. Fields this side
/// does not know (such as <c>canonical_solution</c> in a sample file) are ignored.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    WriteIndented = false)]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(Sample))]
[JsonSerializable(typeof(SampleVerdict))]
internal sealed partial class HumanEvalJsonContext : JsonSerializerContext;
