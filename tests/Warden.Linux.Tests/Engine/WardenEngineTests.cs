using Warden.Checks;
using Warden.Execution;
using Warden.Linux.FastPath;
using Warden.Linux.Isolation;
using Warden.Policy;
using Warden.Sessions;
using Warden.TestSupport;
using Warden.Tests;

namespace Warden.Linux.Tests.Engine;

/// <summary>The composition root every face uses: one way to build, configure and dispose the engine.</summary>
[Collection(EngineCollection.Name)]
public sealed class WardenEngineTests
{
    private static readonly Limits Custom = Limits.Default with { MemoryMb = 320, TimeoutMs = 7_000, Pids = 48 };

    [Fact]
    public async Task Create_DefaultLimitsSetOnce_ReachTheRunnerTheFastPathAndTheSessions()
    {
        await using var engine = WardenEngine.Create(new WardenEngineOptions
        {
            DefaultLimits = Custom,
            Engine = new EngineOptions { FastPath = new ZygoteOptions { Prepared = 1, ScientificPrepared = 1 } },
            Sessions = new SessionManagerOptions { MaxSessions = 1 },
        });
        Assert.Equal(Custom, engine.DefaultLimits);
        Assert.Equal(Custom, engine.Backend.Options.DefaultLimits);
        Assert.True(await engine.WarmUpAsync(), "the zygote must start: " + engine.Backend.ZygotePool?.LastStartError);

        var run = await engine.Runner.RunAsync(new RunRequest { Language = "python", Code = "import resource; print(resource.getrlimit(resource.RLIMIT_NPROC)[0] > 0)" });
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("zygote", run.Path);
        Assert.Equal(Custom, run.Limits);

        var session = await engine.Sessions.CreateAsync(new SessionCreateRequest { Language = "python" }, "test");
        Assert.Equal(Custom, session.Limits);
    }

    [Fact]
    public void Create_InvalidOptions_NamesEveryProblemAtOnce()
    {
        var ex = Assert.Throws<InvalidOptionsException>(() => WardenEngine.Create(new WardenEngineOptions
        {
            DefaultLimits = Limits.Default with { MemoryMb = -1 },
            Engine = new EngineOptions { DefaultLimits = Custom, FastPath = new ZygoteOptions { Prepared = 100_000 } },
            Sessions = new SessionManagerOptions { MaxSessions = -3 },
            Languages = [],
        }));
        var names = ex.Problems.Select(p => p.Property).ToList();
        Assert.Contains("DefaultLimits:MemoryMb", names);
        Assert.Contains("Engine:DefaultLimits", names);
        Assert.Contains("Engine:FastPath:Prepared", names);
        Assert.Contains("Sessions:MaxSessions", names);
        Assert.Contains("Languages", names);
        Assert.Contains("set the default limits once", ex.Message);
    }

    [Fact]
    public async Task Runner_CheckBlock_RefusesDangerousCodeWithTheFindings_AndRunsNothing()
    {
        await using var engine = WardenEngine.Create(new WardenEngineOptions { Engine = new EngineOptions { FastPath = new ZygoteOptions { Enabled = false } } });
        var marker = Guid.NewGuid().ToString("N");
        var ex = await Assert.ThrowsAsync<CodeCheckBlockedException>(() => engine.Runner.RunAsync(new RunRequest
        {
            Language = "python",
            Code = "import subprocess\nsubprocess.run(['sleep', '30'])\n",
            Check = "block",
            Env = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
        }));
        Assert.Equal("code-check-blocked", ex.Code);
        Assert.Contains(ex.Report.Findings, f => f.Severity == Severity.Block);
        Assert.Empty(Leftovers.ProcessesWithMarker(marker));

        var warned = await engine.Runner.RunAsync(new RunRequest { Language = "python", Code = "import subprocess\nprint(1)\n", Check = "warn" });
        Assert.Equal("1\n", warned.Stdout);
    }

    [Fact]
    public async Task Dispose_EndsItsSessionsKillsTheirSandboxes_AndRemovesItsCgroups()
    {
        var marker = Guid.NewGuid().ToString("N");
        var engine = WardenEngine.Create(new WardenEngineOptions { Engine = new EngineOptions { FastPath = new ZygoteOptions { Enabled = false } } });
        var session = await engine.Sessions.CreateAsync(new SessionCreateRequest
        {
            Language = "python",
            Env = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
        }, "test");
        Assert.NotEmpty(Leftovers.ProcessesWithMarker(marker));
        var instance = engine.Backend.Instance;
        Assert.NotEmpty(CgroupDirs(instance));

        await engine.DisposeAsync();
        await engine.DisposeAsync(); // idempotent

        Assert.Empty(Leftovers.ProcessesWithMarker(marker));
        Assert.Empty(CgroupDirs(instance));
        Assert.NotNull(session);
    }

    [Fact]
    public void Shared_IsOneEngine()
    {
        Assert.Same(WardenEngine.Shared, WardenEngine.Shared);
        Assert.Same(WardenEngine.Shared.Runner.Languages, WardenEngine.Shared.Languages);
    }

    private static List<string> CgroupDirs(string instance)
    {
        var roots = new List<string> { "/sys/fs/cgroup/warden" };
        roots.AddRange(Directory.GetDirectories("/sys/fs/cgroup").Select(d => Path.Combine(d, "warden")));
        return roots.Select(r => Path.Combine(r, instance)).Where(Directory.Exists).ToList();
    }
}
