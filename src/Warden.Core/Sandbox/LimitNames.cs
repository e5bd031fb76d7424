namespace Warden.Sandbox;

/// <summary>The names a result's <c>limitsReached</c> uses (see <see cref="OutcomeClassifier.LimitsReached"/>).</summary>
public static class LimitNames
{
    /// <summary>The wall-clock timeout or the CPU-seconds limit.</summary>
    public const string Timeout = "timeout";
    /// <summary>The memory limit: the cgroup counted an OOM kill.</summary>
    public const string Memory = "memory";
    /// <summary>The task limit: the cgroup refused a fork.</summary>
    public const string Pids = "pids";
    /// <summary>The output cap of stdout or stderr.</summary>
    public const string Output = "output";
    /// <summary>The size of the writable tmpfs (or the file-size limit).</summary>
    public const string Disk = "disk";
    /// <summary>The CPU quota: the kernel throttled the sandbox at least once.</summary>
    public const string CpuThrottled = "cpu-throttled";

    /// <summary>Every name, in the order a result lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Timeout, Memory, Pids, Output, Disk, CpuThrottled];
}
