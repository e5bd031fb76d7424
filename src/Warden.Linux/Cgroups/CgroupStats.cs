namespace Warden.Linux.Cgroups;

/// <summary>
/// What a sandbox's cgroup counted. <see cref="CpuThrottled"/> is the kernel's <c>nr_throttled</c>
/// of <c>cpu.stat</c> (CFS periods in which the group was throttled at its quota), on v1 and v2.
/// </summary>
internal readonly record struct CgroupStats(long PeakMemoryBytes, long OomKills, long PidsLimitHits, double CpuMs, bool HasCpu, long CpuThrottled = 0);
