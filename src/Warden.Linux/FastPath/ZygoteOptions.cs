namespace Warden.Linux.FastPath;

/// <summary>Settings of the Python fast path. Defaults in docs/configuration.md.</summary>
public sealed record ZygoteOptions
{
    /// <summary>Whether Python runs use the zygote when their limits allow. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Whether Python runs that import only the standard library go to a second, smaller zygote
    /// (standard library only: ~4x cheaper to fork and tear down than the scientific one). When
    /// off, the scientific zygote serves every Python run. Default true.
    /// </summary>
    public bool StandardZygote { get; init; } = true;

    /// <summary>Children of the standard zygote kept prepared for the default limits. Default 4.</summary>
    public int Prepared { get; init; } = 4;

    /// <summary>Children of the scientific zygote (numpy, pandas, matplotlib) kept prepared for the default limits. Default 2.</summary>
    public int ScientificPrepared { get; init; } = 2;

    /// <summary>
    /// JavaScript sandboxes kept prepared (node started ahead, behind every layer), for the limits of
    /// the JavaScript runs seen (it switches when it holds none for the old ones); 0 turns it off. Each holds ~40 MB (node's own heap). Default 2.
    /// </summary>
    public int NodePrepared { get; init; } = 2;

    /// <summary>Children being prepared at once in the background. Default 2.</summary>
    public int RefillConcurrency { get; init; } = 2;

    /// <summary>Jobs after which a zygote is replaced (children share its memory layout and hash secret). Default 10000.</summary>
    public int MaxJobs { get; init; } = 10_000;

    /// <summary>Age after which a zygote is replaced. Default 10 minutes.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Memory limit of the zygote's own sandbox (its preloaded modules; each job has its own limit). Default 2048 MiB.</summary>
    public int ZygoteMemoryMb { get; init; } = 2048;

    /// <summary>Task limit of the zygote's own sandbox. Default 512.</summary>
    public int ZygotePids { get; init; } = 512;

    /// <summary>How long a zygote may take to import its modules. Default 60 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Maximum memory held by idle prepared children, in MiB; beyond it fewer are kept. Default 64.</summary>
    public int MaxIdleMemoryMb { get; init; } = 64;

    /// <summary>Every value out of its bounds (empty when these options are valid).</summary>
    public IReadOnlyList<OptionProblem> Problems()
    {
        var p = new List<OptionProblem>();
        OptionProblem.Range(p, nameof(Prepared), Prepared, 0, 256);
        OptionProblem.Range(p, nameof(ScientificPrepared), ScientificPrepared, 0, 256);
        OptionProblem.Range(p, nameof(NodePrepared), NodePrepared, 0, 64);
        OptionProblem.Range(p, nameof(RefillConcurrency), RefillConcurrency, 1, 64);
        OptionProblem.Range(p, nameof(MaxJobs), MaxJobs, 1, 1_000_000);
        if (MaxAge < TimeSpan.FromSeconds(1) || MaxAge > TimeSpan.FromDays(1))
            p.Add(new(nameof(MaxAge), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"must be between 1 and 86400 seconds; got {MaxAge.TotalSeconds}")));
        OptionProblem.Range(p, nameof(ZygoteMemoryMb), ZygoteMemoryMb, 64, Policy.LimitsRequest.Bounds.MaxMemoryMb);
        OptionProblem.Range(p, nameof(ZygotePids), ZygotePids, 16, Policy.LimitsRequest.Bounds.MaxPids);
        if (StartTimeout <= TimeSpan.Zero) p.Add(new(nameof(StartTimeout), $"must be more than 0; got {StartTimeout}"));
        OptionProblem.Range(p, nameof(MaxIdleMemoryMb), MaxIdleMemoryMb, 0, Policy.LimitsRequest.Bounds.MaxMemoryMb);
        return p;
    }
}
