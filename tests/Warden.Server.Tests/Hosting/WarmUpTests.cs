using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Warden.Server.Api;
using Warden.Server.Hosting;
using Warden.Server.Tests.Support;

namespace Warden.Server.Tests.Hosting;

/// <summary>The server warms the fast path after it starts listening, and says when it is ready.</summary>
[Collection(ServerCollection.Name)]
public sealed class WarmUpTests
{
    [Fact]
    public async Task Serve_ListensBeforeTheWarmUp_ThenReadyzSaysReady_AndTheFirstPythonRunTakesTheZygote()
    {
        await using var host = await WardenTestHost.StartAsync();
        using var anon = host.Client();

        // The host has started (Kestrel listens) while the zygotes are still importing numpy:
        // liveness answers at once, readiness says it is warming.
        using (var health = await anon.GetAsync("/healthz")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var first = await ReadyAsync(anon);
        Assert.True(first.Status == HttpStatusCode.ServiceUnavailable && first.Body.GetProperty("status").GetString() == "warming",
            $"readiness right after start: {(int)first.Status} {first.Body}");

        var clock = Stopwatch.StartNew();
        (HttpStatusCode Status, JsonElement Body) ready;
        while ((ready = await ReadyAsync(anon)).Status != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"not ready after {clock.Elapsed}: {ready.Body}");
            await Task.Delay(50);
        }
        Assert.Equal("ready", ready.Body.GetProperty("status").GetString());
        Assert.Equal(["status"], ready.Body.EnumerateObject().Select(p => p.Name));

        using var alice = host.Client(host.AliceKey);
        var status = await Http.JsonAsync(await alice.GetAsync("/status"));
        var fastPath = status.GetProperty("fastPath");
        Assert.Equal("ready", fastPath.GetProperty("state").GetString());
        Assert.True(fastPath.GetProperty("preparedPython").GetInt32() > 0, status.GetRawText());
        Assert.True(fastPath.GetProperty("warmUpMs").GetDouble() > 0);
        Assert.True(status.TryGetProperty("message", out _));

        using var r = await alice.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "print(6 * 7)"}"""));
        var run = await Http.JsonAsync(r);
        Assert.Equal("42\n", run.GetProperty("stdout").GetString());
        Assert.Equal("zygote", run.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Serve_WithNonDefaultLimits_PreparesZygoteChildrenForThem_SoARunAtTheDefaultsTakesTheZygote()
    {
        // The configured default limits differ from Warden's built-in ones in fields the prepared
        // children are made for (memory, tasks, disk): the fast path must prepare for these, not
        // for the built-in defaults, or every default run goes zygote-on-demand.
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MemoryMb"] = "384", ["Limits:Pids"] = "48", ["Limits:DiskMb"] = "32",
        });
        using var anon = host.Client();
        var clock = Stopwatch.StartNew();
        (HttpStatusCode Status, JsonElement Body) ready;
        while ((ready = await ReadyAsync(anon)).Status != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"not ready after {clock.Elapsed}: {ready.Body}");
            await Task.Delay(50);
        }

        using var alice = host.Client(host.AliceKey);
        foreach (var code in new[] { "print(6 * 7)", "import numpy; print(6 * 7)" })
        {
            using var r = await alice.PostAsync("/v1/runs", WardenTestHost.Json($$"""{"language": "python", "code": "{{code}}"}"""));
            var run = await Http.JsonAsync(r);
            Assert.True(run.GetProperty("stdout").GetString() == "42\n", run.GetRawText());
            Assert.True(run.GetProperty("path").GetString() == "zygote", $"{code}: {run.GetRawText()}");
        }
    }

    [Fact]
    public async Task Serve_WithTheFastPathOff_IsReadyAtOnce_AndStatusSaysOff()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?> { ["Engine:FastPath:Enabled"] = "false" });
        using var anon = host.Client();
        var ready = await ReadyAsync(anon);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("ready", ready.Body.GetProperty("status").GetString());
        using var alice = host.Client(host.AliceKey);
        var status = await Http.JsonAsync(await alice.GetAsync("/status"));
        Assert.Equal("off", status.GetProperty("fastPath").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Readyz_IsNotAudited()
    {
        var dir = Directory.CreateTempSubdirectory("wdn-").FullName;
        try
        {
            var host = await WardenTestHost.StartAsync(reuseDir: dir);
            using (var anon = host.Client())
                for (var i = 0; i < 3; i++) await ReadyAsync(anon);
            await host.StopAsync();
            using var store = Warden.Server.Storage.SqliteStore.Open(Path.Combine(dir, "data"));
            // Only /readyz was asked (the keys were made in-process, not over HTTP).
            Assert.Empty(store.QueryAudit(new Warden.Server.Storage.AuditQuery { Limit = 1000 }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("Warming", false, 503, "warming")]
    [InlineData("Ready", false, 200, "ready")]
    [InlineData("Off", false, 200, "ready")]
    [InlineData("Failed", false, 200, "degraded")]
    [InlineData("Ready", true, 503, "shutting-down")]
    public void Readiness_MapsTheWarmUpState(string name, bool draining, int status, string word)
    {
        var state = Enum.Parse<WarmUpState>(name);
        var (s, body) = SystemEndpoints.Readiness(draining, state);
        Assert.Equal(status, s);
        Assert.Equal(word, body.Status);
        if (state == WarmUpState.Failed) Assert.Contains("cold path", body.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedWarmUp_SaysWhy_WithoutHostPaths()
    {
        var reason = EngineWarmUp.Safe("the zygote exited during start-up: /usr/lib/python3/dist-packages/numpy/__init__.py: ImportError\nsee /tmp/wdn-1/zygote.log");
        Assert.Contains("ImportError", reason, StringComparison.Ordinal);
        Assert.Contains("__init__.py", reason, StringComparison.Ordinal);
        Http.AssertSafe(reason);
        Assert.DoesNotContain('\n', reason);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient c)
    {
        using var r = await c.GetAsync("/readyz");
        return (r.StatusCode, await Http.JsonAsync(r));
    }
}
