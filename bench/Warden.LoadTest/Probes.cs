using System.Text;
using Warden.Server.Auth;
using Warden.Server.Storage;

namespace Warden.LoadTest;

/// <summary>One user key per client, created in the server's store before it starts.</summary>
internal static class Keys
{
    public static List<string> Create(string dataDir, int count)
    {
        using var store = SqliteStore.Open(dataDir);
        var keys = new ApiKeys(store, TimeProvider.System);
        return Enumerable.Range(0, count).Select(i => keys.Create(Role.User, $"client{i}", null).Key).ToList();
    }
}

/// <summary>Audit records in the store after the server stopped.</summary>
internal static class AuditCount
{
    public static (long Total, long Runs) Read(string dataDir)
    {
        using var store = SqliteStore.Open(dataDir);
        var total = store.CountAudit();
        long runs = 0;
        long? before = null;
        while (true)
        {
            var page = store.QueryAudit(new AuditQuery { Limit = 1000, BeforeId = before, Action = "runs.create" });
            runs += page.Count;
            if (page.Count < 1000) break;
            before = page[^1].Id;
        }
        return (total, runs);
    }
}

/// <summary>cgroups of the server process (pids hierarchy on v1, the unified tree on v2).</summary>
internal static class Cgroups
{
    private static readonly string[] Roots = ["/sys/fs/cgroup/pids/warden", "/sys/fs/cgroup/warden"];

    /// <summary>
    /// Sandbox cgroups (<c>s*</c>) under the server's parent: live ones (a process inside: the
    /// zygotes, prepared children, kernels, runs) and empty ones. An empty one is a cgroup made
    /// ahead for the next sandbox of its shape (the engine keeps at most
    /// <see cref="Warden.Linux.Cgroups.CgroupReserve.MaxShapes"/>), or one a sandbox failed to remove.
    /// </summary>
    public static (int Live, int Empty) Sandboxes(int serverPid)
    {
        int live = 0, empty = 0;
        foreach (var d in Instances(serverPid).SelectMany(inst => Directory.GetDirectories(inst, "s*")))
        {
            var procs = Path.Combine(d, "cgroup.procs");
            if (File.Exists(procs) && File.ReadAllText(procs).Trim().Length > 0) live++; else empty++;
        }
        return (live, empty);
    }

    /// <summary>The server's parent cgroups (one per hierarchy); none once it has exited.</summary>
    public static int Parents(int serverPid) => Instances(serverPid).Count();

    private static IEnumerable<string> Instances(int serverPid) =>
        Roots.Where(Directory.Exists).SelectMany(r => Directory.GetDirectories(r, $"p{serverPid}-*"));
}

/// <summary>Host processes whose environment carries the load test's marker (a sandbox that outlived its run).</summary>
internal static class Leftovers
{
    public static List<int> ProcessesWithMarker(string marker)
    {
        var needle = Encoding.UTF8.GetBytes("WARDEN_TEST_MARKER=" + marker);
        var found = new List<int>();
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out var pid)) continue;
            try
            {
                if (File.ReadAllBytes(Path.Combine(d, "environ")).AsSpan().IndexOf(needle) >= 0) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
