namespace Warden.Policy;

/// <summary>
/// The resource limits of one sandbox. Every field is always set: a sandbox never runs
/// with a limit missing. Build one from <see cref="LimitsRequest"/> with
/// <see cref="LimitsRequest.Resolve"/>, which applies the defaults and validates.
/// </summary>
public sealed record Limits
{
    /// <summary>Wall-clock timeout in milliseconds. Default 30 000.</summary>
    public int TimeoutMs { get; init; } = Defaults.TimeoutMs;

    /// <summary>Memory limit (RAM, no swap) for the whole sandbox, in MiB. Default 512.</summary>
    public int MemoryMb { get; init; } = Defaults.MemoryMb;

    /// <summary>Maximum number of tasks (processes and threads) of the program. Default 64.</summary>
    public int Pids { get; init; } = Defaults.Pids;

    /// <summary>CPU bandwidth in cores (cgroup quota). Default 1.</summary>
    public double Cpus { get; init; } = Defaults.Cpus;

    /// <summary>Bytes kept of each of stdout and stderr; more ends the run with reason output-limit. Default 1 MiB.</summary>
    public long OutputBytes { get; init; } = Defaults.OutputBytes;

    /// <summary>Size of each of the writable /workspace and /tmp file systems, in MiB. Default 64.</summary>
    public int DiskMb { get; init; } = Defaults.DiskMb;

    /// <summary>Maximum open file descriptors per process (RLIMIT_NOFILE). Default 256.</summary>
    public int OpenFiles { get; init; } = Defaults.OpenFiles;

    /// <summary>The secure defaults (docs/configuration.md).</summary>
    public static Limits Default { get; } = new();

    /// <summary>The default values, in one place.</summary>
    public static class Defaults
    {
        /// <summary>30 s.</summary>
        public const int TimeoutMs = 30_000;
        /// <summary>512 MiB.</summary>
        public const int MemoryMb = 512;
        /// <summary>64 tasks.</summary>
        public const int Pids = 64;
        /// <summary>One core.</summary>
        public const double Cpus = 1.0;
        /// <summary>1 MiB per stream.</summary>
        public const long OutputBytes = 1 << 20;
        /// <summary>64 MiB.</summary>
        public const int DiskMb = 64;
        /// <summary>256 descriptors.</summary>
        public const int OpenFiles = 256;
    }

    /// <summary>Whether every field of this is at most the same field of <paramref name="ceiling"/>.</summary>
    public bool FitsWithin(Limits ceiling) => FirstAbove(ceiling) is null;

    /// <summary>The first field of this above the same field of <paramref name="ceiling"/>, or null when all fit.</summary>
    public LimitExcess? FirstAbove(Limits ceiling)
    {
        foreach (var f in LimitField.All)
            if (f.Value(this) > f.Value(ceiling)) return new LimitExcess(f.Path, LimitField.Format(f.Value(this)), LimitField.Format(f.Value(ceiling)));
        return null;
    }

    /// <summary>These limits as a request that asks for every field explicitly.</summary>
    public LimitsRequest ToRequest() => new()
    {
        TimeoutMs = TimeoutMs,
        MemoryMb = MemoryMb,
        Pids = Pids,
        Cpus = Cpus,
        OutputBytes = OutputBytes,
        DiskMb = DiskMb,
        OpenFiles = OpenFiles,
    };
}
