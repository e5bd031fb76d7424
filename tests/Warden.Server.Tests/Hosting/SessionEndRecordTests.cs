using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Server.Storage;
using Warden.Server.Tests.Support;
using Warden.TestSupport;

namespace Warden.Server.Tests.Hosting;

/// <summary>
/// Every end of a session is stored when it happens (state, reason, time), so that a restart reports
/// what happened and when, and the start-up warning counts only sessions nobody recorded an end for.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SessionEndRecordTests
{
    private const string StartupCategory = "Warden.Server.Hosting.StartupChecks";

    private static async Task<string> CreateAsync(HttpClient c, string marker, Dictionary<string, object>? extra = null)
    {
        var body = new Dictionary<string, object>
        {
            ["language"] = "python",
            ["env"] = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
        };
        foreach (var (k, v) in extra ?? []) body[k] = v;
        using var r = await c.PostAsync("/v1/sessions", WardenTestHost.Json(JsonSerializer.Serialize(body)));
        var info = await Http.JsonAsync(r);
        Assert.True(r.StatusCode == HttpStatusCode.Created, info.GetRawText());
        return info.GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> GetAsync(HttpClient c, string id) => await Http.JsonAsync(await c.GetAsync($"/v1/sessions/{id}"));

    private static async Task<JsonElement> WaitEndedAsync(HttpClient c, string id, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            var info = await GetAsync(c, id);
            if (info.GetProperty("state").GetString() is "closed" or "lost") return info;
            if (DateTime.UtcNow > until) Assert.Fail($"session {id} did not end: {info.GetRawText()}");
            await Task.Delay(100);
        }
    }

    private static (string State, string? Reason, long EndedAtMs) Ending(JsonElement info) =>
        (info.GetProperty("state").GetString()!, info.GetProperty("reason").GetString(), info.GetProperty("endedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());

    [Fact]
    public async Task Restart_ReportsSessionsThatEndedOnTheirOwn_WithTheirStateReasonAndTime_AndDoesNotWarnAboutThem()
    {
        var dir = Directory.CreateTempSubdirectory("wdn-").FullName;
        var config = new Dictionary<string, string?> { ["Quotas:User:LiveSessions"] = "8" };
        var host = await WardenTestHost.StartAsync(config, reuseDir: dir);
        var marker = Guid.NewGuid().ToString("N");
        var seen = new Dictionary<string, (string State, string? Reason, long EndedAtMs)>();
        try
        {
            var backend = host.Backend;
            using var alice = host.Client(host.AliceKey);
            var idle = await CreateAsync(alice, marker, new() { ["idleTtlSeconds"] = 1 });
            var expired = await CreateAsync(alice, marker, new() { ["maxLifetimeSeconds"] = 2 });
            var crashed = await CreateAsync(alice, marker);
            var timedOut = await CreateAsync(alice, marker);

            // The kernel dies under a cell: lost (crashed) now, not at the next start.
            using (var r = await alice.PostAsync($"/v1/sessions/{crashed}/execute", WardenTestHost.Json("""{"code": "import os\nos._exit(3)"}""")))
                Assert.Equal("lost", (await Http.JsonAsync(r)).GetProperty("status").GetString());
            // A cell ignores the interrupt of its timeout: the sandbox is killed, the session lost (timeout).
            using (var r = await alice.PostAsync($"/v1/sessions/{timedOut}/execute",
                       WardenTestHost.Json("""{"code": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass", "timeoutMs": 300}""")))
                Assert.Equal("lost", (await Http.JsonAsync(r)).GetProperty("status").GetString());

            foreach (var id in new[] { idle, expired, crashed, timedOut })
                seen[id] = Ending(await WaitEndedAsync(alice, id, TimeSpan.FromSeconds(30)));
            Assert.Equal(("closed", "idle"), (seen[idle].State, seen[idle].Reason));
            Assert.Equal(("closed", "expired"), (seen[expired].State, seen[expired].Reason));
            Assert.Equal(("lost", "crashed"), (seen[crashed].State, seen[crashed].Reason));
            Assert.Equal(("lost", "timeout"), (seen[timedOut].State, seen[timedOut].Reason));
            Leftovers.AssertNone(backend, marker);

            // The store holds each end as it happened, before any stop.
            foreach (var (id, e) in seen)
            {
                var rec = host.Store.FindSession(id)!;
                Assert.Equal((e.State, e.Reason, e.EndedAtMs), (rec.State, rec.EndReason, rec.EndedAt!.Value.ToUnixTimeMilliseconds()));
            }
            // A restart that reported the stop or start time as the end would be at least this much later.
            await Task.Delay(1100);
        }
        finally
        {
            await host.StopAsync();
        }

        var logs = new LogCapture();
        await using var again = await WardenTestHost.StartAsync(config, reuseDir: dir, configureServices: s => s.AddSingleton<ILoggerProvider>(logs));
        using var alice2 = again.Client(again.AliceKey);
        foreach (var (id, e) in seen)
        {
            Assert.Equal(e, Ending(await GetAsync(alice2, id)));
            await Http.ErrorAsync(await alice2.PostAsync($"/v1/sessions/{id}/execute", WardenTestHost.Json("""{"code": "1"}""")), HttpStatusCode.Conflict, "session-ended");
        }
        var listed = (await Http.JsonAsync(await alice2.GetAsync("/v1/sessions"))).EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, Ending);
        foreach (var (id, e) in seen) Assert.Equal(e, listed[id]);
        Assert.DoesNotContain(logs.Entries, l => l.Category == StartupCategory && l.EventId == 1);
        using var bob = again.Client(again.BobKey);
        await Http.ErrorAsync(await bob.GetAsync($"/v1/sessions/{seen.Keys.First()}"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Stop_RecordsLiveSessionsAsLostAtTheStop_AndTheStartWarnsOnlyAboutSessionsNobodyEnded()
    {
        var dir = Directory.CreateTempSubdirectory("wdn-").FullName;
        var host = await WardenTestHost.StartAsync(reuseDir: dir);
        var backend = host.Backend;
        var marker = Guid.NewGuid().ToString("N");
        string id;
        DateTimeOffset stopped;
        try
        {
            using var alice = host.Client(host.AliceKey);
            id = await CreateAsync(alice, marker);
        }
        finally
        {
            await host.StopAsync();
            stopped = DateTimeOffset.UtcNow;
        }
        Leftovers.AssertNone(backend, marker);
        // What a Warden that died without stopping leaves behind: a session stored as live, with no end.
        const string orphan = "aaaaaaaaaaaaaaaaaaaaaaaaaa";
        using (var store = SqliteStore.Open(Path.Combine(dir, "data")))
            store.UpsertSession(new SessionRecord { Id = orphan, Owner = "alice", Language = "python", State = "live", CreatedAt = stopped.AddMinutes(-1) });
        await Task.Delay(1100);

        var logs = new LogCapture();
        await using var again = await WardenTestHost.StartAsync(reuseDir: dir, configureServices: s => s.AddSingleton<ILoggerProvider>(logs));
        using var alice2 = again.Client(again.AliceKey);
        var (state, reason, endedAt) = Ending(await GetAsync(alice2, id));
        Assert.Equal(("lost", "shutdown"), (state, reason));
        Assert.True(endedAt <= stopped.ToUnixTimeMilliseconds(), $"ended at {DateTimeOffset.FromUnixTimeMilliseconds(endedAt):O}, after the stop ({stopped:O})");
        var (orphanState, orphanReason, orphanEnded) = Ending(await GetAsync(alice2, orphan));
        Assert.Equal(("lost", "shutdown"), (orphanState, orphanReason));
        Assert.True(orphanEnded > stopped.ToUnixTimeMilliseconds());
        var warning = Assert.Single(logs.Entries, l => l.Category == StartupCategory && l.EventId == 1);
        Assert.StartsWith("1 ", warning.Message, StringComparison.Ordinal);
    }
}
