using System.Text.Json.Serialization;

namespace Warden.Eval;

/// <summary>How a sample was judged. Serialized kebab-case (<c>timed-out</c>).</summary>
public enum VerdictOutcome
{
    /// <summary>The checks ran and returned normally.</summary>
    [JsonStringEnumMemberName("passed")]
    Passed,
    /// <summary>The sample failed: an exception, a wrong exit, a compile error, a limit, or it left before the checks finished.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
    /// <summary>The sample ran past its timeout; the sandbox was killed.</summary>
    [JsonStringEnumMemberName("timed-out")]
    TimedOut,
    /// <summary>Warden could not judge the sample (the sandbox failed, or the problem's own code does not run). Never counted as a failure.</summary>
    [JsonStringEnumMemberName("infrastructure-error")]
    InfrastructureError,
    /// <summary>The problem's language is not available on this host; the sample was not run.</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,
}
