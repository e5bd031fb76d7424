using System.Diagnostics;
using Warden.TestSupport;

namespace Warden.Linux.Tests.Cgroups;

/// <summary>
/// The zygote path's cgroup join on the kernel's real cgroup v2 hierarchy (this host mounts one
/// beside its v1 controllers): a job's processes — unprivileged, in their own user, pid, net and
/// cgroup namespaces, where no cgroup tree is mounted — join their cgroup by writing "0" to a
/// cgroup.procs descriptor Warden opened, and cgroup.kill ends them. On v2 the kernel checks the
/// opener's credentials and cgroup namespace, not the writer's; this proves it on a real v2 tree.
/// </summary>
public sealed class CgroupV2DescriptorJoinTests
{
    private static string? UnifiedMount() =>
        File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(p => p.Length > 2 && p[2] == "cgroup2").Select(p => p[1]).FirstOrDefault();

    [HostFact(HostNeed.CgroupV2, HostNeed.Root, HostNeed.Setpriv)]
    public void UnprivilegedProcessInItsOwnNamespaces_JoinsAV2CgroupThroughWardensDescriptor_AndCgroupKillEndsIt()
    {
        var mount = UnifiedMount();
        Assert.NotNull(mount); // probed by HostNeed.CgroupV2
        var name = "warden-v2join-" + Guid.NewGuid().ToString("N")[..8];
        var dir = Path.Combine(mount, name);
        Directory.CreateDirectory(dir);
        var script = Path.Combine(Path.GetTempPath(), name + ".sh");
        try
        {
            // fd 5: the cgroup's cgroup.procs, opened here as root. The writer is uid 1000 on the
            // host and inside fresh user, pid, net and cgroup namespaces (bubblewrap, as for the zygote).
            File.WriteAllText(script, $"""
                set -e
                exec 5>{dir}/cgroup.procs
                setpriv --reuid=1000 --regid=1000 --clear-groups -- bwrap --unshare-user --unshare-pid --unshare-net --unshare-cgroup \
                  --uid 1000 --gid 1000 --ro-bind / / --proc /proc --dev /dev -- sh -c 'echo 0 >&5 && grep "^0::" /proc/self/cgroup && exec sleep 60' &
                for i in $(seq 100); do [ -n "$(cat {dir}/cgroup.procs)" ] && break; sleep 0.05; done
                echo "before: $(cat {dir}/cgroup.procs | wc -l)"
                echo 1 > {dir}/cgroup.kill
                for i in $(seq 100); do [ -n "$(cat {dir}/cgroup.procs)" ] || break; sleep 0.05; done
                echo "after: $(cat {dir}/cgroup.procs | wc -l)"
                wait || true
                """);
            var psi = new ProcessStartInfo("/bin/bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEnd();
            var stderr = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(30_000), "the probe did not finish");
            Assert.Contains($"0::/{name}\n", stdout); // it is in the cgroup Warden opened (its cgroup namespace predates the join)
            Assert.Matches(@"before: [1-9]", stdout);
            Assert.True(stdout.Contains("after: 0"), $"cgroup.kill left processes: {stdout} {stderr}");
        }
        finally
        {
            File.Delete(script);
            for (var i = 0; i < 50 && Directory.Exists(dir); i++)
            {
                try { Directory.Delete(dir); } catch (IOException) { Thread.Sleep(20); }
            }
        }
        Assert.False(Directory.Exists(dir), "the probe's cgroup could not be removed");
    }
}
