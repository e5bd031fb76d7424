using Warden.Linux.Cgroups;
using Warden.Policy;

namespace Warden.Linux.Tests.Cgroups;

/// <summary>Cgroups made ahead of requests: one of the last shape is waiting, each is used once, all go on dispose.</summary>
public sealed class CgroupReserveTests
{
    private sealed class CountingDriver : ICgroupDriver
    {
        public List<string> Created { get; } = [];
        public List<string> Removed { get; } = [];
        public string Version => "v2";
        public (string Into, string Back)? WarmTasksFiles => null;
        public int SweepStale() => 0;
        public void RemoveOwnParent() { }

        public SandboxCgroup Create(string name, Limits limits, int pidsMax)
        {
            var dir = Path.Combine(Path.GetTempPath(), "warden-reserve-test-" + name);
            Directory.CreateDirectory(dir);
            lock (Created) Created.Add(name);
            return new SandboxCgroup([dir], [Path.Combine(dir, "cgroup.procs")], () => default, killFile: null);
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }

    [Fact]
    public async Task SecondRequestOfAShape_TakesTheCgroupMadeAhead_AndEachIsUsedOnce()
    {
        var driver = new CountingDriver();
        var n = 0;
        using var reserve = new CgroupReserve(driver, () => "r" + Interlocked.Increment(ref n));
        var first = reserve.Create("a", Limits.Default, 64);
        Assert.EndsWith("warden-reserve-test-a", first.Dirs[0]);
        await WaitFor(() => reserve.ReadyCount == 1);
        var second = reserve.Create("b", Limits.Default, 64);
        Assert.EndsWith("warden-reserve-test-r1", second.Dirs[0]); // made ahead, not on the spot
        lock (driver.Created) Assert.DoesNotContain("b", driver.Created); // (the next one is being made meanwhile)
        await WaitFor(() => reserve.ReadyCount == 1);
        var third = reserve.Create("c", Limits.Default, 64);
        Assert.NotEqual(second.Dirs[0], third.Dirs[0]);
        foreach (var c in new[] { first, second, third }) c.TryRemove();
    }

    [Fact]
    public async Task OtherShape_IsMadeOnTheSpot_AndDisposeRemovesWhatWaits()
    {
        var driver = new CountingDriver();
        var n = 0;
        var reserve = new CgroupReserve(driver, () => "s" + Interlocked.Increment(ref n));
        reserve.Create("a", Limits.Default, 64).TryRemove();
        await WaitFor(() => reserve.ReadyCount == 1);
        var other = reserve.Create("b", Limits.Default with { MemoryMb = 123 }, 64);
        Assert.EndsWith("warden-reserve-test-b", other.Dirs[0]);
        other.TryRemove();
        await WaitFor(() => reserve.ReadyCount == 2);
        var waiting = reserve.ReservedNames().ToList();
        reserve.Dispose();
        Assert.Empty(reserve.ReservedNames());
        foreach (var name in waiting) Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), name)));
    }
}
