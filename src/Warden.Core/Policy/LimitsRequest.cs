namespace Warden.Policy;

/// <summary>
/// Limits as a caller asks for them: every field optional. <see cref="Resolve"/> fills the
/// gaps from a base (the defaults, or a configured profile) and validates every field
/// against the hard bounds below, naming the field in the error. The same type is the wire
/// format of a request's <c>limits</c> and the configuration sections <c>Limits</c> and
/// <c>Quotas:*:MaxLimits</c> (bound directly: no mirror type).
/// </summary>
public sealed record LimitsRequest
{
    /// <summary>Wall-clock timeout in milliseconds (1 .. 3 600 000).</summary>
    public int? TimeoutMs { get; init; }
    /// <summary>Memory in MiB (16 .. 65 536).</summary>
    public int? MemoryMb { get; init; }
    /// <summary>Tasks (4 .. 16 384).</summary>
    public int? Pids { get; init; }
    /// <summary>Cores (0.05 .. 256).</summary>
    public double? Cpus { get; init; }
    /// <summary>Bytes per output stream (1 024 .. 1 GiB).</summary>
    public long? OutputBytes { get; init; }
    /// <summary>MiB for /workspace and for /tmp (1 .. 65 536).</summary>
    public int? DiskMb { get; init; }
    /// <summary>Open files per process (16 .. 65 536).</summary>
    public int? OpenFiles { get; init; }

    /// <summary>Hard bounds: no configuration or request can go outside them.</summary>
    public static class Bounds
    {
        /// <summary>Timeout bounds in ms.</summary>
        public const int MinTimeoutMs = 1, MaxTimeoutMs = 3_600_000;
        /// <summary>Memory bounds in MiB.</summary>
        public const int MinMemoryMb = 16, MaxMemoryMb = 65_536;
        /// <summary>Task count bounds.</summary>
        public const int MinPids = 4, MaxPids = 16_384;
        /// <summary>CPU bounds in cores.</summary>
        public const double MinCpus = 0.05, MaxCpus = 256;
        /// <summary>Output bounds in bytes.</summary>
        public const long MinOutputBytes = 1_024, MaxOutputBytes = 1L << 30;
        /// <summary>Disk bounds in MiB.</summary>
        public const int MinDiskMb = 1, MaxDiskMb = 65_536;
        /// <summary>Open-file bounds.</summary>
        public const int MinOpenFiles = 16, MaxOpenFiles = 65_536;

        /// <summary>The most any configuration or request may allow, as limits.</summary>
        public static Limits Highest { get; } = new()
        {
            TimeoutMs = MaxTimeoutMs,
            MemoryMb = MaxMemoryMb,
            Pids = MaxPids,
            Cpus = MaxCpus,
            OutputBytes = MaxOutputBytes,
            DiskMb = MaxDiskMb,
            OpenFiles = MaxOpenFiles,
        };
    }

    /// <summary>Applies this request over <paramref name="baseLimits"/> and validates the result.</summary>
    /// <exception cref="InvalidRequestException">A field is out of bounds; the message names it.</exception>
    public Limits Resolve(Limits? baseLimits = null)
    {
        var result = Over(baseLimits ?? Limits.Default);
        Validate(result);
        return result;
    }

    /// <summary>
    /// This request over <paramref name="b"/>, not validated: for a caller that reports every
    /// problem at once (<see cref="Problems"/>) rather than the first. Use <see cref="Resolve"/> otherwise.
    /// </summary>
    public Limits Over(Limits b)
    {
        return new Limits
        {
            TimeoutMs = TimeoutMs ?? b.TimeoutMs,
            MemoryMb = MemoryMb ?? b.MemoryMb,
            Pids = Pids ?? b.Pids,
            Cpus = Cpus ?? b.Cpus,
            OutputBytes = OutputBytes ?? b.OutputBytes,
            DiskMb = DiskMb ?? b.DiskMb,
            OpenFiles = OpenFiles ?? b.OpenFiles,
        };
    }

    /// <summary>Every field of <paramref name="l"/> outside <see cref="Bounds"/>, named as in configuration (<c>MemoryMb</c>).</summary>
    public static IReadOnlyList<OptionProblem> Problems(Limits l)
    {
        var p = new List<OptionProblem>();
        foreach (var f in LimitField.All)
            if (OutOfBounds(f, f.Value(l)) is { } message) p.Add(new(char.ToUpperInvariant(f.Name[0]) + f.Name[1..], message));
        return p;
    }

    private static string? OutOfBounds(LimitField f, double v) =>
        double.IsNaN(v) || v < f.Min || v > f.Max ? $"must be between {LimitField.Format(f.Min)} and {LimitField.Format(f.Max)}; got {LimitField.Format(v)}" : null;

    /// <summary>Validates a complete set of limits against <see cref="Bounds"/>.</summary>
    /// <exception cref="InvalidRequestException">A field is out of bounds; the message names it.</exception>
    public static void Validate(Limits l)
    {
        foreach (var f in LimitField.All)
            if (OutOfBounds(f, f.Value(l)) is { } message) throw new InvalidRequestException(f.Path, $"{f.Path} {message}.");
    }
}
