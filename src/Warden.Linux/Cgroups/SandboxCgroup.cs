using Warden.Linux.Native;

namespace Warden.Linux.Cgroups;

/// <summary>
/// The cgroup(s) of one sandbox: one directory per v1 hierarchy, or one v2 directory.
/// Knows how to read what it counted, kill everything in it, and remove itself.
/// </summary>
internal sealed class SandboxCgroup
{
    private readonly Func<CgroupStats> _stats;
    private readonly string? _killFile;

    private readonly string? _currentMemoryFile;

    public SandboxCgroup(IReadOnlyList<string> dirs, IReadOnlyList<string> procsFiles, Func<CgroupStats> stats, string? killFile, string? currentMemoryFile = null)
    {
        _currentMemoryFile = currentMemoryFile;
        Dirs = dirs;
        ProcsFiles = procsFiles;
        _stats = stats;
        _killFile = killFile;
    }

    /// <summary>The directories, one per hierarchy.</summary>
    public IReadOnlyList<string> Dirs { get; }

    /// <summary>The cgroup.procs files a process writes itself into to join.</summary>
    public IReadOnlyList<string> ProcsFiles { get; }

    public CgroupStats ReadStats() => _stats();

    /// <summary>Memory in use right now (v1 memory.usage_in_bytes, v2 memory.current); 0 when unknown.</summary>
    public long CurrentMemory() => _currentMemoryFile is null ? 0 : CgroupFs.ReadLong(_currentMemoryFile);

    /// <summary>The pids still inside (union over hierarchies).</summary>
    public HashSet<int> Pids()
    {
        var set = new HashSet<int>();
        foreach (var f in ProcsFiles) set.UnionWith(CgroupFs.ReadPids(f));
        return set;
    }

    /// <summary>
    /// Kills every process inside and waits until none is left (bounded). v2 uses cgroup.kill;
    /// v1 kills what it lists until the list stays empty (a fork bomb cannot outrun this: its
    /// pid namespace's init is already dead and the pids limit bounds it).
    /// </summary>
    public bool KillAll(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        if (_killFile is not null) CgroupFs.TryWrite(_killFile, "1");
        var spins = 0;
        while (true)
        {
            var pids = Pids();
            if (pids.Count == 0) return true;
            // Never Warden itself, whatever a cgroup file says (cgroup v1 lists a process in every
            // cgroup one of its threads is in).
            if (pids.Remove(Self) && Isolation.DebugLog.Events)
                Isolation.DebugLog.Write($"own pid listed in {Dirs[0]}");
            if (pids.Count == 0) return true;
            foreach (var pid in pids)
            {
                if (Isolation.DebugLog.Kills)
                    Isolation.DebugLog.Write($"kill {pid} in {Dirs[0]}: {CgroupFs.TryRead($"/proc/{pid}/cmdline")?.Replace('\0', ' ')} {CgroupFs.TryRead($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(l => l.StartsWith("NSpid", StringComparison.Ordinal))}");
                Libc.kill(pid, Libc.SIGKILL);
            }
            if (Environment.TickCount64 > deadline) return false;
            Thread.Sleep(spins++ < 20 ? 1 : 5);
        }
    }

    /// <summary>
    /// Sends SIGKILL to every process inside right now, without waiting (v2: cgroup.kill, which
    /// also catches processes forking meanwhile; v1: one pass over the list of the first hierarchy,
    /// which every process of the sandbox has joined).
    /// </summary>
    public void KillListed()
    {
        if (_killFile is not null && CgroupFs.TryWrite(_killFile, "1")) return;
        if (ProcsFiles.Count == 0) return;
        foreach (var pid in CgroupFs.ReadPids(ProcsFiles[0]))
            if (pid != Self) Libc.kill(pid, Libc.SIGKILL);
    }

    private static readonly int Self = Environment.ProcessId;

    /// <summary>Removes every directory (each rmdir retried while the kernel still counts leaving tasks, up to <paramref name="attempts"/> times); false when one could not be removed.</summary>
    public bool TryRemove(int attempts = 50)
    {
        var ok = true;
        foreach (var d in Dirs) ok &= CgroupFs.TryRemoveDir(d, attempts);
        return ok;
    }
}
