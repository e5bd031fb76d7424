using System.Globalization;
using Warden.Policy;

namespace Warden.Linux.Cgroups;

/// <summary>
/// cgroup v1: one directory per hierarchy (memory, pids, cpu, and cpuacct when mounted apart),
/// under <c>&lt;mount&gt;/warden/&lt;instance&gt;/</c>. Memory is limited with
/// <c>memory.limit_in_bytes</c> and, where swap accounting exists, <c>memory.memsw.limit_in_bytes</c>
/// (no swap); tasks with <c>pids.max</c>; CPU with the CFS quota.
/// </summary>
internal sealed class CgroupV1Driver : ICgroupDriver
{
    private readonly IReadOnlyDictionary<string, string> _mounts;
    private readonly string _instance;
    private readonly string? _ownPidsPath;
    private readonly object _gate = new();
    private bool _parentsReady;

    /// <param name="mounts">Controller name to its hierarchy's mount directory (memory, pids, cpu required; cpuacct optional).</param>
    /// <param name="instance">This Warden process's directory name, <c>p&lt;pid&gt;-&lt;starttime&gt;</c>.</param>
    /// <param name="ownPidsPath">This process's own cgroup in the pids hierarchy (for the attach warmer), or null.</param>
    public CgroupV1Driver(IReadOnlyDictionary<string, string> mounts, string instance, string? ownPidsPath)
    {
        foreach (var c in new[] { "memory", "pids", "cpu" })
            if (!mounts.ContainsKey(c)) throw new ArgumentException($"cgroup v1 controller {c} is not mounted");
        _mounts = mounts;
        _instance = instance;
        _ownPidsPath = ownPidsPath;
    }

    public string Version => "v1";

    private string Root(string controller) => Path.Combine(_mounts[controller], "warden");
    private string Parent(string controller) => Path.Combine(Root(controller), _instance);

    private IEnumerable<string> Hierarchies()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in new[] { "memory", "pids", "cpu", "cpuacct" })
            if (_mounts.TryGetValue(c, out var m) && seen.Add(m)) yield return c;
    }

    private void EnsureParents()
    {
        lock (_gate)
        {
            if (_parentsReady) return;
            foreach (var c in Hierarchies()) Directory.CreateDirectory(Parent(c));
            if (_ownPidsPath is not null) Directory.CreateDirectory(Path.Combine(Parent("pids"), "warm"));
            _parentsReady = true;
        }
    }

    public (string Into, string Back)? WarmTasksFiles
    {
        get
        {
            if (_ownPidsPath is null) return null;
            EnsureParents();
            return (Path.Combine(Parent("pids"), "warm", "tasks"), Path.Combine(_mounts["pids"], _ownPidsPath.TrimStart('/'), "tasks"));
        }
    }

    private bool? _hasMemsw;

    public SandboxCgroup Create(string name, Limits limits, int pidsMax)
    {
        EnsureParents();
        var dirs = new List<string>();
        try
        {
            foreach (var c in Hierarchies())
            {
                var d = Path.Combine(Parent(c), name);
                CgroupFs.MakeDir(d);
                dirs.Add(d);
            }
            var mem = Path.Combine(Parent("memory"), name);
            var bytes = ((long)limits.MemoryMb << 20).ToString(CultureInfo.InvariantCulture);
            CgroupFs.Write(Path.Combine(mem, "memory.limit_in_bytes"), bytes);
            var memsw = Path.Combine(mem, "memory.memsw.limit_in_bytes");
            if (_hasMemsw ??= File.Exists(memsw)) CgroupFs.Write(memsw, bytes);
            else CgroupFs.TryWrite(Path.Combine(mem, "memory.swappiness"), "0");

            CgroupFs.Write(Path.Combine(Parent("pids"), name, "pids.max"), pidsMax.ToString(CultureInfo.InvariantCulture));

            var cpu = Path.Combine(Parent("cpu"), name);
            CgroupFs.Write(Path.Combine(cpu, "cpu.cfs_period_us"), "100000");
            CgroupFs.Write(Path.Combine(cpu, "cpu.cfs_quota_us"), QuotaUs(limits.Cpus).ToString(CultureInfo.InvariantCulture));
        }
        catch
        {
            foreach (var d in dirs) CgroupFs.TryRemoveDir(d);
            throw;
        }

        var acct = _mounts.ContainsKey("cpuacct") ? Path.Combine(Parent("cpuacct"), name) : null;
        var memDir = Path.Combine(Parent("memory"), name);
        var pidsDir = Path.Combine(Parent("pids"), name);
        var cpuDir = Path.Combine(Parent("cpu"), name);
        return new SandboxCgroup(
            dirs,
            dirs.Select(d => Path.Combine(d, "cgroup.procs")).ToList(),
            () => new CgroupStats(
                CgroupFs.ReadLong(Path.Combine(memDir, "memory.max_usage_in_bytes")),
                CgroupFs.ReadKey(Path.Combine(memDir, "memory.oom_control"), "oom_kill"),
                CgroupFs.ReadKey(Path.Combine(pidsDir, "pids.events"), "max"),
                acct is null ? 0 : CgroupFs.ReadLong(Path.Combine(acct, "cpuacct.usage")) / 1e6,
                acct is not null,
                CgroupFs.ReadKey(Path.Combine(cpuDir, "cpu.stat"), "nr_throttled")),
            killFile: null,
            currentMemoryFile: Path.Combine(memDir, "memory.usage_in_bytes"));
    }

    /// <summary>CFS quota for <paramref name="cpus"/> cores at a 100 ms period (at least 1 ms).</summary>
    public static long QuotaUs(double cpus) => Math.Max(1000, (long)Math.Round(cpus * 100_000));

    public int SweepStale()
    {
        var removed = 0;
        foreach (var c in Hierarchies())
            removed += StaleCgroups.Sweep(Root(c), _instance);
        return removed;
    }

    public void RemoveOwnParent()
    {
        foreach (var c in Hierarchies())
        {
            var p = Parent(c);
            if (!Directory.Exists(p)) continue;
            foreach (var child in Directory.GetDirectories(p)) CgroupFs.TryRemoveDir(child, attempts: 5);
            CgroupFs.TryRemoveDir(p, attempts: 5);
        }
        lock (_gate) _parentsReady = false;
    }
}
