using Warden.Policy;

namespace Warden.Server.Configuration;

/// <summary>Limits of a sandbox, every field optional (absent: Warden's built-in default, or no change).</summary>
public sealed class LimitsSection
{
    /// <summary>Wall-clock timeout in ms.</summary>
    public int? TimeoutMs { get; set; }
    /// <summary>Memory in MiB.</summary>
    public int? MemoryMb { get; set; }
    /// <summary>Tasks.</summary>
    public int? Pids { get; set; }
    /// <summary>CPU cores.</summary>
    public double? Cpus { get; set; }
    /// <summary>Bytes kept per output stream.</summary>
    public long? OutputBytes { get; set; }
    /// <summary>MiB of /workspace and of /tmp.</summary>
    public int? DiskMb { get; set; }
    /// <summary>Open files per process.</summary>
    public int? OpenFiles { get; set; }

    /// <summary>This section as a limits request.</summary>
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
