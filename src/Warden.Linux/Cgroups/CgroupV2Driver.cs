using System.Globalization;
using Warden.Policy;

namespace Warden.Linux.Cgroups;

/// <summary>
/// cgroup v2: one directory per sandbox under <c>&lt;root&gt;/warden/&lt;instance&gt;/</c>, with
/// memory.max, memory.swap.max=0, memory.oom.group=1 (an OOM kills the whole sandbox),
/// pids.max and cpu.max. Killing uses cgroup.kill.
/// </summary>
internal sealed class CgroupV2Driver : ICgroupDriver
{
    public static readonly string[] Controllers = ["memory", "pids", "cpu"];
    private readonly string _root;
    private readonly string _instance;
    private readonly object _gate = new();
    private bool _parentsReady;

    /// <param name="root">The directory under which Warden's tree lives (the unified mount, or a delegated subtree).</param>
    /// <param name="instance">This Warden process's directory name.</param>
    public CgroupV2Driver(string root, string instance)
    {
        _root = root;
        _instance = instance;
    }

    public string Version => "v2";

    private string WardenDir => Path.Combine(_root, "warden");
    private string Parent => Path.Combine(WardenDir, _instance);

    public (string Into, string Back)? WarmTasksFiles => null;

    private void EnsureParents()
    {
        lock (_gate)
        {
            if (_parentsReady) return;
            var enable = string.Join(' ', Controllers.Select(c => "+" + c));
            EnableControllers(_root, enable);
            Directory.CreateDirectory(WardenDir);
            EnableControllers(WardenDir, enable);
            Directory.CreateDirectory(Parent);
            EnableControllers(Parent, enable);
            _parentsReady = true;
        }
    }

    private static void EnableControllers(string dir, string enable)
    {
        var file = Path.Combine(dir, "cgroup.subtree_control");
        var current = CgroupFs.TryRead(file) ?? "";
        if (Controllers.All(c => current.Split(' ', '\n').Contains(c))) return;
        CgroupFs.Write(file, enable);
    }

    public SandboxCgroup Create(string name, Limits limits, int pidsMax)
    {
        EnsureParents();
        var d = Path.Combine(Parent, name);
        CgroupFs.MakeDir(d);
        try
        {
            CgroupFs.Write(Path.Combine(d, "memory.max"), ((long)limits.MemoryMb << 20).ToString(CultureInfo.InvariantCulture));
            var swap = Path.Combine(d, "memory.swap.max");
            if (File.Exists(swap)) CgroupFs.Write(swap, "0");
            CgroupFs.TryWrite(Path.Combine(d, "memory.oom.group"), "1");
            CgroupFs.Write(Path.Combine(d, "pids.max"), pidsMax.ToString(CultureInfo.InvariantCulture));
            CgroupFs.Write(Path.Combine(d, "cpu.max"), $"{CgroupV1Driver.QuotaUs(limits.Cpus).ToString(CultureInfo.InvariantCulture)} 100000");
        }
        catch
        {
            CgroupFs.TryRemoveDir(d);
            throw;
        }
        return new SandboxCgroup(
            [d],
            [Path.Combine(d, "cgroup.procs")],
            () =>
            {
                var peakFile = Path.Combine(d, "memory.peak");
                var peak = File.Exists(peakFile) ? CgroupFs.ReadLong(peakFile) : CgroupFs.ReadLong(Path.Combine(d, "memory.current"));
                var (usageUsec, throttled) = CgroupFs.ReadKeys(Path.Combine(d, "cpu.stat"), "usage_usec", "nr_throttled");
                return new CgroupStats(
                    peak,
                    CgroupFs.ReadKey(Path.Combine(d, "memory.events"), "oom_kill"),
                    CgroupFs.ReadKey(Path.Combine(d, "pids.events"), "max"),
                    usageUsec / 1000.0,
                    true,
                    throttled);
            },
            killFile: Path.Combine(d, "cgroup.kill"),
            currentMemoryFile: Path.Combine(d, "memory.current"));
    }

    public int SweepStale() => StaleCgroups.Sweep(WardenDir, _instance);

    public void RemoveOwnParent()
    {
        if (!Directory.Exists(Parent)) return;
        foreach (var child in Directory.GetDirectories(Parent)) CgroupFs.TryRemoveDir(child, attempts: 5);
        CgroupFs.TryRemoveDir(Parent, attempts: 5);
        lock (_gate) _parentsReady = false;
    }
}
