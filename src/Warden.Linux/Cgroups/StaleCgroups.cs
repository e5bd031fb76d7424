using System.Globalization;

namespace Warden.Linux.Cgroups;

/// <summary>
/// Finds the cgroups of Warden processes that no longer exist (named <c>p&lt;pid&gt;-&lt;starttime&gt;</c>),
/// kills what is left in them and removes them. Live Warden processes' trees are never touched.
/// </summary>
internal static class StaleCgroups
{
    public static int Sweep(string wardenRoot, string ownInstance)
    {
        if (!Directory.Exists(wardenRoot)) return 0;
        var removed = 0;
        foreach (var inst in Directory.GetDirectories(wardenRoot))
        {
            var name = Path.GetFileName(inst);
            if (name == ownInstance || IsAlive(name)) continue;
            foreach (var child in Directory.GetDirectories(inst))
            {
                var cg = new SandboxCgroup([child], [Path.Combine(child, "cgroup.procs")], () => default, File.Exists(Path.Combine(child, "cgroup.kill")) ? Path.Combine(child, "cgroup.kill") : null);
                cg.KillAll(TimeSpan.FromSeconds(2));
                if (cg.TryRemove()) removed++;
            }
            CgroupFs.TryRemoveDir(inst, attempts: 5);
        }
        return removed;
    }

    /// <summary>Whether the process an instance name refers to is still the same running process.</summary>
    public static bool IsAlive(string instance)
    {
        // p<pid>-<starttime>[-<backend>]: several backends of one process each have their own.
        var parts = instance.TrimStart('p').Split('-');
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)) return false;
        return InstanceName.StartTime(pid) is { } st && st.ToString(CultureInfo.InvariantCulture) == parts[1];
    }
}

/// <summary>The per-process instance name <c>p&lt;pid&gt;-&lt;starttime&gt;</c>, unique even across pid reuse.</summary>
internal static class InstanceName
{
    private static int s_backends;

    /// <summary>A name unique to this process and to this backend within it.</summary>
    public static string ForCurrentProcess()
    {
        var pid = Environment.ProcessId;
        return $"p{pid}-{StartTime(pid)}-{Interlocked.Increment(ref s_backends)}";
    }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat (start time in clock ticks since boot), or null.</summary>
    public static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterComm = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(afterComm[19], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
