using Warden.Policy;

namespace Warden.Eval;

/// <summary>How an <see cref="EvalHarness"/> runs samples. Validated when the harness is created.</summary>
public sealed record EvalOptions
{
    /// <summary>Default per-sample timeout: 10 s (HumanEval's own is 3 s, too tight for a loaded machine).</summary>
    public const int DefaultTimeoutMs = 10_000;

    /// <summary>Samples run at once, each in its own sandbox (1..1024). Default: the number of processors.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Wall-clock timeout of each sandbox (compile and run steps each), in ms. Default 10 000.</summary>
    public int TimeoutMs { get; init; } = DefaultTimeoutMs;

    /// <summary>Other limits of each sandbox; absent fields take the runner's defaults. Its timeout is replaced by <see cref="TimeoutMs"/>.</summary>
    public LimitsRequest? Limits { get; init; }

    /// <summary>
    /// Samples already judged by an earlier run (resume): they are not run again and yield no
    /// verdict. Completion ids are still counted for them.
    /// </summary>
    public IReadOnlySet<SampleKey>? Completed { get; init; }

    /// <summary>
    /// Python only: a candidate's return value must be built of exact built-in types (None,
    /// bool, int, float, complex, str, bytes, list, tuple, set, frozenset, dict), or the sample
    /// fails. When false, subclasses of those types and numpy values are sent to the checks as
    /// their plain equivalent. Either way only plain values reach the checks (they run in
    /// another process), so an object whose <c>__eq__</c> always answers true never passes. Default true.
    /// </summary>
    public bool PlainReturnValuesOnly { get; init; } = true;

    /// <summary>The clock for per-sample durations.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The limits of each sandbox, validated.</summary>
    /// <exception cref="InvalidRequestException">A field is out of bounds.</exception>
    internal LimitsRequest ResolveLimits()
    {
        if (Parallelism is < 1 or > 1024)
            throw new InvalidRequestException("parallelism", "parallelism must be between 1 and 1024.");
        var limits = (Limits ?? new LimitsRequest()) with { TimeoutMs = TimeoutMs };
        limits.Resolve();
        return limits;
    }
}
