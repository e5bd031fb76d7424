using Warden.Policy;

namespace Warden.Linux.Isolation;

/// <summary>
/// The rlimits a sandbox's program runs under, derived from its limits. One mapping for every
/// path: the helper's <c>launch</c> flags and the zygote's <c>prepare</c> message both use it.
/// </summary>
/// <param name="CpuSoft">RLIMIT_CPU soft limit, seconds: the timeout times the cores (at least one), plus one.</param>
/// <param name="CpuHard">RLIMIT_CPU hard limit, seconds: one above the soft limit (SIGXCPU first, then SIGKILL).</param>
/// <param name="FileSizeBytes">RLIMIT_FSIZE: no file larger than the writable file systems.</param>
/// <param name="OpenFiles">RLIMIT_NOFILE, soft and hard.</param>
internal readonly record struct SandboxRlimits(long CpuSoft, long CpuHard, long FileSizeBytes, int OpenFiles)
{
    public static SandboxRlimits Of(Limits l)
    {
        var cpu = (long)Math.Ceiling(l.TimeoutMs / 1000.0 * Math.Max(1.0, l.Cpus)) + 1;
        return new SandboxRlimits(cpu, cpu + 1, DiskBytes(l), l.OpenFiles);
    }

    /// <summary>Size of each writable file system (/workspace, /tmp, /dev/shm), bytes.</summary>
    public static long DiskBytes(Limits l) => (long)l.DiskMb << 20;
}
