using Warden.Linux.Cgroups;
using Warden.Policy;

namespace Warden.Linux.Tests.Cgroups;

public sealed class CgroupDriverTests
{
    private static readonly Limits SomeLimits = new() { MemoryMb = 256, Pids = 40, Cpus = 1.5 };

    [Fact]
    public void V2_Create_WritesEveryLimitAndEnablesControllersDownTheTree()
    {
        using var tree = new FakeCgroupTree();
        tree.Write("cpuset cpu io memory pids", "cgroup.controllers");
        tree.Write("", "cgroup.subtree_control");
        var driver = new CgroupV2Driver(tree.Root, "p1-2");
        // A real tree has these files in every new directory; the fake one needs them made.
        Directory.CreateDirectory(tree.Path("warden", "p1-2", "s1"));
        File.WriteAllText(tree.Path("warden", "p1-2", "s1", "memory.swap.max"), "max");

        var cg = driver.Create("s1", SomeLimits, 43);

        Assert.Equal("+memory +pids +cpu", tree.Read("cgroup.subtree_control"));
        Assert.Equal("+memory +pids +cpu", tree.Read("warden", "cgroup.subtree_control"));
        Assert.Equal("+memory +pids +cpu", tree.Read("warden", "p1-2", "cgroup.subtree_control"));
        Assert.Equal((256L << 20).ToString(), tree.Read("warden", "p1-2", "s1", "memory.max"));
        Assert.Equal("0", tree.Read("warden", "p1-2", "s1", "memory.swap.max"));
        Assert.Equal("1", tree.Read("warden", "p1-2", "s1", "memory.oom.group"));
        Assert.Equal("43", tree.Read("warden", "p1-2", "s1", "pids.max"));
        Assert.Equal("150000 100000", tree.Read("warden", "p1-2", "s1", "cpu.max"));
        Assert.Equal([tree.Path("warden", "p1-2", "s1", "cgroup.procs")], cg.ProcsFiles);
    }

    [Fact]
    public void V2_ReadStats_ParsesPeakOomPidsAndCpu()
    {
        using var tree = new FakeCgroupTree();
        var driver = new CgroupV2Driver(tree.Root, "p1-2");
        var cg = driver.Create("s1", SomeLimits, 43);
        tree.Write("12345678\n", "warden", "p1-2", "s1", "memory.peak");
        tree.Write("low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\noom_group_kill 0\n", "warden", "p1-2", "s1", "memory.events");
        tree.Write("max 3\n", "warden", "p1-2", "s1", "pids.events");
        tree.Write("usage_usec 250000\nuser_usec 200000\nsystem_usec 50000\nnr_periods 40\nnr_throttled 6\nthrottled_usec 9000\n", "warden", "p1-2", "s1", "cpu.stat");

        var s = cg.ReadStats();

        Assert.Equal(12345678, s.PeakMemoryBytes);
        Assert.Equal(1, s.OomKills);
        Assert.Equal(3, s.PidsLimitHits);
        Assert.Equal(250.0, s.CpuMs);
        Assert.Equal(6, s.CpuThrottled);
    }

    [Fact]
    public void V2_KillAll_WritesCgroupKill()
    {
        using var tree = new FakeCgroupTree();
        var cg = new CgroupV2Driver(tree.Root, "p1-2").Create("s1", SomeLimits, 43);
        tree.Write("", "warden", "p1-2", "s1", "cgroup.procs");
        Assert.True(cg.KillAll(TimeSpan.FromSeconds(1)));
        Assert.Equal("1", tree.Read("warden", "p1-2", "s1", "cgroup.kill"));
        Assert.True(cg.TryRemove());
        Assert.False(Directory.Exists(tree.Path("warden", "p1-2", "s1")));
    }

    [Fact]
    public void V1_Create_WritesMemoryMemswPidsAndCfsQuotaInEachHierarchy()
    {
        using var tree = new FakeCgroupTree();
        var mounts = new Dictionary<string, string> { ["memory"] = tree.Path("memory"), ["pids"] = tree.Path("pids"), ["cpu"] = tree.Path("cpu"), ["cpuacct"] = tree.Path("cpuacct") };
        var driver = new CgroupV1Driver(mounts, "p9-9", ownPidsPath: null);
        tree.Write("max", "memory", "warden", "p9-9", "s1", "memory.memsw.limit_in_bytes");

        var cg = driver.Create("s1", SomeLimits, 43);

        Assert.Equal((256L << 20).ToString(), tree.Read("memory", "warden", "p9-9", "s1", "memory.limit_in_bytes"));
        Assert.Equal((256L << 20).ToString(), tree.Read("memory", "warden", "p9-9", "s1", "memory.memsw.limit_in_bytes"));
        Assert.Equal("43", tree.Read("pids", "warden", "p9-9", "s1", "pids.max"));
        Assert.Equal("100000", tree.Read("cpu", "warden", "p9-9", "s1", "cpu.cfs_period_us"));
        Assert.Equal("150000", tree.Read("cpu", "warden", "p9-9", "s1", "cpu.cfs_quota_us"));
        Assert.Equal(4, cg.ProcsFiles.Count);
        Assert.Contains(tree.Path("cpuacct", "warden", "p9-9", "s1", "cgroup.procs"), cg.ProcsFiles);
    }

    [Fact]
    public void V1_WithoutSwapAccounting_SetsSwappinessZeroInstead()
    {
        using var tree = new FakeCgroupTree();
        var mounts = new Dictionary<string, string> { ["memory"] = tree.Path("memory"), ["pids"] = tree.Path("pids"), ["cpu"] = tree.Path("cpu") };
        new CgroupV1Driver(mounts, "p9-9", null).Create("s1", SomeLimits, 43);
        Assert.False(File.Exists(tree.Path("memory", "warden", "p9-9", "s1", "memory.memsw.limit_in_bytes")));
        Assert.Equal("0", tree.Read("memory", "warden", "p9-9", "s1", "memory.swappiness"));
    }

    [Fact]
    public void V1_CoMountedCpuAndCpuacct_UseOneDirectory()
    {
        using var tree = new FakeCgroupTree();
        var cpu = tree.Path("cpu,cpuacct");
        var mounts = new Dictionary<string, string> { ["memory"] = tree.Path("memory"), ["pids"] = tree.Path("pids"), ["cpu"] = cpu, ["cpuacct"] = cpu };
        var cg = new CgroupV1Driver(mounts, "p9-9", null).Create("s1", SomeLimits, 43);
        Assert.Equal(3, cg.ProcsFiles.Count);
    }

    [Fact]
    public void V1_ReadStats_ParsesMaxUsageOomKillPidsEventsAndCpuacct()
    {
        using var tree = new FakeCgroupTree();
        var mounts = new Dictionary<string, string> { ["memory"] = tree.Path("memory"), ["pids"] = tree.Path("pids"), ["cpu"] = tree.Path("cpu"), ["cpuacct"] = tree.Path("cpuacct") };
        var cg = new CgroupV1Driver(mounts, "p9-9", null).Create("s1", SomeLimits, 43);
        tree.Write("67108864\n", "memory", "warden", "p9-9", "s1", "memory.max_usage_in_bytes");
        tree.Write("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "memory", "warden", "p9-9", "s1", "memory.oom_control");
        tree.Write("max 5\n", "pids", "warden", "p9-9", "s1", "pids.events");
        tree.Write("1500000000\n", "cpuacct", "warden", "p9-9", "s1", "cpuacct.usage");
        tree.Write("nr_periods 12\nnr_throttled 4\nthrottled_time 5000000\n", "cpu", "warden", "p9-9", "s1", "cpu.stat");

        var s = cg.ReadStats();

        Assert.Equal(64L << 20, s.PeakMemoryBytes);
        Assert.Equal(2, s.OomKills);
        Assert.Equal(5, s.PidsLimitHits);
        Assert.Equal(1500.0, s.CpuMs);
        Assert.True(s.HasCpu);
        Assert.Equal(4, s.CpuThrottled);
    }

    [Theory]
    [InlineData(1.0, 100000)]
    [InlineData(0.5, 50000)]
    [InlineData(0.001, 1000)]
    [InlineData(4, 400000)]
    public void QuotaUs_ScalesWithCoresAndHasAFloor(double cpus, long expected) =>
        Assert.Equal(expected, CgroupV1Driver.QuotaUs(cpus));

    [Fact]
    public void SweepStale_RemovesDeadInstancesAndKeepsLiveOnes()
    {
        using var tree = new FakeCgroupTree();
        var own = InstanceName.ForCurrentProcess();
        Directory.CreateDirectory(tree.Path("warden", "p999999-1", "s1"));
        File.WriteAllText(tree.Path("warden", "p999999-1", "s1", "cgroup.procs"), "");
        Directory.CreateDirectory(tree.Path("warden", own, "s2"));
        var driver = new CgroupV2Driver(tree.Root, "p1-1");

        var removed = driver.SweepStale();

        Assert.Equal(1, removed);
        Assert.False(Directory.Exists(tree.Path("warden", "p999999-1")));
        Assert.True(Directory.Exists(tree.Path("warden", own, "s2")));
    }
}
