namespace Warden.Linux.Cgroups;

/// <summary>What a sandbox's cgroup counted.</summary>
internal readonly record struct CgroupStats(long PeakMemoryBytes, long OomKills, long PidsLimitHits, double CpuMs, bool HasCpu);
