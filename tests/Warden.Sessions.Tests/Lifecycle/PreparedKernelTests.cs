using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Lifecycle;

/// <summary>The sessions' fast path: kernels started ahead, adopted once, configured with the session's variables.</summary>
[Collection(SessionCollection.Name)]
public sealed class PreparedKernelTests(EngineFixture engine)
{
    private const string EnvProbe = "import os\n(os.environ.get('WARDEN_TEST_MARKER') is not None, b'WARDEN_TEST_MARKER' in open('/proc/self/environ', 'rb').read())";

    [Fact]
    public async Task ASessionOfTheDefaultProfile_AdoptsAPreparedKernel_WithItsOwnEnvironment()
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, PreparedSessions = 2 });
        await WaitForPreparedAsync(h, 2);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var s = await h.CreateAsync(env: new Dictionary<string, string> { ["GREETING"] = "hi" });
        var startMs = sw.Elapsed.TotalMilliseconds;
        // Started before the session existed: the variables are in os.environ (and so in commands), not in the process's initial environment.
        Assert.Equal("(True, False)", (await h.RunAsync(s.Id, EnvProbe)).Text());
        Assert.Equal("hi\n", (await h.Manager.RunCommandToEndAsync(s.Id, SessionHarness.Owner, new CommandRequest { Command = "echo $GREETING" })).Stdout);
        Assert.True(startMs < 1000, $"adopting a prepared kernel took {startMs} ms");
        // A replacement is started: the pool stays full, and every kernel is used once.
        await WaitForPreparedAsync(h, 2);
        var other = await h.CreateAsync();
        Assert.Equal("(True, False)", (await h.RunAsync(other.Id, EnvProbe)).Text());
        Assert.Equal("False", (await h.RunAsync(other.Id, "'GREETING' in __import__('os').environ")).Text());
    }

    [Fact]
    public async Task ASessionOfAnotherProfile_StartsItsOwnKernel()
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, PreparedSessions = 1 });
        await WaitForPreparedAsync(h, 1);
        var s = await h.CreateAsync(limits: new Policy.LimitsRequest { MemoryMb = 300 });
        Assert.Equal("(True, True)", (await h.RunAsync(s.Id, EnvProbe)).Text());
        Assert.Equal(1, h.Manager.PreparedReady);
    }

    private static async Task WaitForPreparedAsync(SessionHarness h, int count)
    {
        for (var i = 0; i < 300 && h.Manager.PreparedReady < count; i++) await Task.Delay(20);
        Assert.Equal(count, h.Manager.PreparedReady);
    }
}
