using Warden.Linux.Cgroups;

namespace Warden.Linux.Tests.Cgroups;

public sealed class CgroupLayoutTests
{
    private const string HybridMountinfo = """
        30 23 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw
        33 30 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,memory
        34 30 0:30 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,pids
        35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,cpu,cpuacct
        """;

    private const string UnifiedMountinfo = """
        25 23 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        """;

    private static CgroupLayout Parse(string mountinfo, string cgroup)
    {
        var dir = Directory.CreateTempSubdirectory("warden-layout-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "mountinfo"), mountinfo);
            File.WriteAllText(Path.Combine(dir.FullName, "cgroup"), cgroup);
            return CgroupLayout.Read(Path.Combine(dir.FullName, "mountinfo"), Path.Combine(dir.FullName, "cgroup"));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Read_HybridHost_FindsV1ControllersIncludingCoMountedCpu()
    {
        var l = Parse(HybridMountinfo, "4:memory:/user.slice\n3:pids:/\n2:cpu,cpuacct:/\n0::/init.scope\n");
        Assert.Equal("/sys/fs/cgroup/memory", l.V1Mounts["memory"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", l.V1Mounts["cpu"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", l.V1Mounts["cpuacct"]);
        Assert.True(l.V1Usable);
        Assert.Equal("/user.slice", l.OwnV1Paths["memory"]);
        Assert.Equal("/init.scope", l.OwnUnifiedPath);
        var (driver, _, _) = l.CreateDriver("auto", "p1-1");
        Assert.Equal("v1", driver!.Version);
    }

    [Fact]
    public void CreateDriver_V2Requested_ButUnifiedHasNoControllers_ExplainsAndFixes()
    {
        var l = Parse(HybridMountinfo, "0::/\n");
        var (driver, problem, fix) = l.CreateDriver("v2", "p1-1");
        Assert.Null(driver);
        Assert.Contains("without the memory, pids and cpu controllers", problem);
        Assert.Contains("systemd.unified_cgroup_hierarchy=1", fix);
    }

    [Fact]
    public void CreateDriver_NoCgroupsAtAll_RefusesWithReason()
    {
        var l = Parse("22 1 0:1 / / rw - ext4 /dev/vda rw\n", "");
        var (driver, problem, fix) = l.CreateDriver("auto", "p1-1");
        Assert.Null(driver);
        Assert.Contains("missing: memory, pids, cpu", problem);
        Assert.NotNull(fix);
    }

    [Fact]
    public void Read_UnifiedHost_ParsesMountButControllersComeFromTheFile()
    {
        var l = Parse(UnifiedMountinfo, "0::/system.slice/warden.service\n");
        Assert.Equal("/sys/fs/cgroup", l.UnifiedMount);
        Assert.Equal("/system.slice/warden.service", l.OwnUnifiedPath);
        Assert.Empty(l.V1Mounts);
    }
}
