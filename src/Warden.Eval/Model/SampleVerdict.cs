using System.Text.Json.Serialization;
using Warden.Eval.Json;
using Warden.Execution;

namespace Warden.Eval;

/// <summary>
/// The verdict on one sample. The library and HTTP API serialize it camelCase
/// (<see cref="EvalJsonContext"/>); the results file of <c>warden eval</c> writes it
/// snake_case, as HumanEval's tools read it (<see cref="ResultsFile"/>).
/// </summary>
public sealed record SampleVerdict
{
    /// <summary>The problem's id.</summary>
    public required string TaskId { get; init; }

    /// <summary>The 0-based index of the sample among its task's samples, in input order.</summary>
    public required int CompletionId { get; init; }

    /// <summary>Whether the checks ran and returned normally.</summary>
    public required bool Passed { get; init; }

    /// <summary>
    /// HumanEval's result string: <c>passed</c>, <c>failed: &lt;exception&gt;</c> or <c>timed out</c>;
    /// and, counted apart, <c>infrastructure error: ...</c> or <c>skipped: ...</c>.
    /// </summary>
    public required string Result { get; init; }

    /// <summary>The verdict as a closed set of values.</summary>
    public required VerdictOutcome Outcome { get; init; }

    /// <summary>Why the sandbox run ended, when it ran; kebab-case (<c>output-limit</c>).</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<RunReason>))]
    public RunReason? Reason { get; init; }

    /// <summary>Time the harness spent on the sample, compile step included, in ms.</summary>
    public double DurationMs { get; init; }

    /// <summary>Whether the verdict was reached (passed, failed or timed out) and so counts towards pass@k.</summary>
    [JsonIgnore]
    public bool IsJudged => Outcome is VerdictOutcome.Passed or VerdictOutcome.Failed or VerdictOutcome.TimedOut;

    /// <summary>The sample's key.</summary>
    [JsonIgnore]
    public SampleKey Key => new(TaskId, CompletionId);
}
