using Warden.Execution;
using Warden.Linux.Isolation;
using Warden.TestSupport;

namespace Warden.Linux.Tests.Isolation;

/// <summary>When a layer of isolation is missing, Warden refuses to run and says how to fix the host; it never falls back.</summary>
public sealed class FailClosedTests
{
    [Fact]
    public async Task Run_WithoutBubblewrap_RefusesWithTheExactFix()
    {
        await using var engine = WardenEngine.Create(new WardenEngineOptions { Engine = new EngineOptions { BwrapPath = "/nonexistent/bwrap" } });
        var runner = engine.Runner;
        var ex = await Assert.ThrowsAsync<IsolationUnavailableException>(() => runner.RunAsync(new RunRequest { Language = "sh", Code = "echo should not run" }));
        Assert.Contains("bubblewrap", ex.Message);
        Assert.Contains("apt-get install -y bubblewrap", ex.Fix);
        // And again: the refusal is sticky, not a one-off.
        await Assert.ThrowsAsync<IsolationUnavailableException>(() => runner.RunAsync(new RunRequest { Language = "sh", Code = "echo x" }));
    }

    [Fact]
    public async Task Run_WithoutHelper_Refuses()
    {
        await using var engine = WardenEngine.Create(new WardenEngineOptions { Engine = new EngineOptions { HelperPath = "/nonexistent/warden-helper" } });
        var ex = await Assert.ThrowsAsync<IsolationUnavailableException>(() => engine.Runner.RunAsync(new RunRequest { Language = "sh", Code = "echo x" }));
        Assert.Contains("helper", ex.Message);
    }

    [Fact]
    public void Doctor_MissingBubblewrap_IsARequiredFailureWithAFix()
    {
        var checks = HostProbe.StaticChecks(new EngineOptions { BwrapPath = "/nonexistent/bwrap" }).ToList();
        var bwrap = checks.Single(c => c.Name == "bubblewrap");
        Assert.Equal(CheckLevel.Fail, bwrap.Level);
        Assert.True(bwrap.Required);
        Assert.Contains("apt-get install -y bubblewrap", bwrap.Fix);
    }

    [HostFact(HostNeed.CgroupVersionMissing)]
    public void Doctor_CgroupVersionThatIsNotMounted_FailsWithAFix()
    {
        var layout = Warden.Linux.Cgroups.CgroupLayout.Read();
        var missing = layout.V2Usable ? (layout.V1Usable ? null : "v1") : "v2";
        Assert.NotNull(missing); // probed by HostNeed.CgroupVersionMissing
        var check = HostProbe.CgroupCheck(new EngineOptions { CgroupVersion = missing });
        Assert.Equal(CheckLevel.Fail, check.Level);
        Assert.NotNull(check.Fix);
    }

    [Fact]
    public async Task Doctor_SmokeTest_ProvesSeccompNoNewPrivsAndNoCapabilities()
    {
        using var backend = new LinuxSandboxBackend();
        var check = await HostProbe.SmokeTest(backend);
        Assert.Equal(CheckLevel.Ok, check.Level);
    }
}
