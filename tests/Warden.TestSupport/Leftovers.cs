using System.Text;
using Xunit;
using Warden.Linux.Isolation;

namespace Warden.TestSupport;

/// <summary>
/// Proves that a run left nothing behind on the host: no process carrying the run's marker
/// (found through every host process's environment, so daemons that exec'd something else are
/// found too), no sandbox cgroup, and no temporary file or directory.
/// </summary>
public static class Leftovers
{
    /// <summary>Environment variable name carrying a per-test marker into the sandbox.</summary>
    public const string MarkerVariable = "WARDEN_TEST_MARKER";

    /// <summary>Host pids whose environment holds the marker.</summary>
    public static List<int> ProcessesWithMarker(string marker)
    {
        var needle = Encoding.UTF8.GetBytes($"{MarkerVariable}={marker}");
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var env = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (env.AsSpan().IndexOf(needle) >= 0) found.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }

    /// <summary>Sandbox cgroups of <paramref name="backend"/> that exist right now (one per live sandbox).</summary>
    public static int LiveCgroups(LinuxSandboxBackend backend) =>
        RunCgroupDirs(backend).Select(Path.GetFileName).Distinct(StringComparer.Ordinal).Count(); // one directory per v1 hierarchy

    /// <summary>
    /// Cgroup directories of <paramref name="backend"/> that belong to runs: all but the long-lived
    /// ones (the zygote's, its prepared children's, those made ahead of requests).
    /// </summary>
    public static List<string> RunCgroupDirs(LinuxSandboxBackend backend)
    {
        var longLived = backend.LongLivedCgroups();
        return backend.HostCgroupLeftovers().Where(d => !longLived.Contains(Path.GetFileName(d))).ToList();
    }

    /// <summary>
    /// Processes in the cgroups of runs of <paramref name="backend"/>. Unlike the marker, this
    /// finds fast-path runs too: a zygote child's <c>/proc/PID/environ</c> is the zygote's
    /// original block (the run's variables live in its interpreter), so it carries no marker.
    /// </summary>
    public static List<int> RunProcesses(LinuxSandboxBackend backend)
    {
        var pids = new SortedSet<int>();
        foreach (var dir in RunCgroupDirs(backend))
            pids.UnionWith(Warden.Linux.Cgroups.CgroupFs.ReadPids(Path.Combine(dir, "cgroup.procs"))); // empty once removed
        return pids.ToList();
    }

    /// <summary>
    /// Asserts no process, cgroup or temporary file is left of runs of <paramref name="backend"/>.
    /// (The engine creates nothing per run on disk — inputs are memfds — so the runtime
    /// directory must hold only its content-addressed files.)
    /// </summary>
    public static void AssertNone(LinuxSandboxBackend backend, string? marker = null)
    {
        // A fast-path run answers once its program has exited and everything left of it has been
        // sent SIGKILL; the kernel's teardown and the cgroup's removal finish just after. Preparing
        // children in the background is not a leftover either: wait (bounded) for the pool to
        // settle, then everything but the zygote's own sandbox and its prepared children must be gone.
        var deadline = Environment.TickCount64 + 10_000;
        while (backend.FastPathBusy && Environment.TickCount64 < deadline - 5_000) Thread.Sleep(10);
        if (marker is not null)
            Assert.True(ProcessesWithMarker(marker).Count == 0, $"processes left behind: {string.Join(", ", ProcessesWithMarker(marker))}");
        List<string> cgroups;
        do
        {
            cgroups = RunCgroupDirs(backend);
            // Prepared children of a replaced zygote are discarded in the background; allow them
            // a moment, but every one must be gone.
            if (cgroups.Count == 0 || (!backend.FastPathBusy && Environment.TickCount64 > deadline - 7_000)) break;
            Thread.Sleep(20);
        }
        while (Environment.TickCount64 < deadline);
        Assert.True(cgroups.Count == 0, "cgroups left behind: " + string.Join(", ", cgroups));
        if (backend.RuntimeDir is { } rt && Directory.Exists(rt))
        {
            var tmp = Directory.GetFileSystemEntries(rt).Where(e => e.EndsWith(".tmp", StringComparison.Ordinal) || Directory.Exists(e)).ToList();
            Assert.True(tmp.Count == 0, "temporary entries left in the runtime dir: " + string.Join(", ", tmp));
        }
    }
}
