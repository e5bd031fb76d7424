using System.Net;
using System.Text.Json;
using Warden.Server.Storage;
using Warden.Server.Tests.Support;
using Warden.TestSupport;

namespace Warden.Server.Tests.Hosting;

[Collection(ServerCollection.Name)]
public sealed class ShutdownTests
{
    [Fact]
    public async Task Shutdown_LetsShortRunsFinish_KillsTheRest_AndAuditsThemAll()
    {
        var dir = Directory.CreateTempSubdirectory("wdn-").FullName;
        var host = await WardenTestHost.StartAsync(new Dictionary<string, string?> { ["Server:ShutdownGraceSeconds"] = "2" }, reuseDir: dir);
        var backend = host.Backend;
        var longMarker = Guid.NewGuid().ToString("N");
        using var c1 = host.Client(host.AliceKey);
        using var c2 = host.Client(host.BobKey);
        var shortRun = c1.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "bash", "code": "sleep 1; echo done"}"""));
        var longRun = c2.PostAsync("/v1/runs", WardenTestHost.Json(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["language"] = "bash",
            ["code"] = "sleep 120",
            ["env"] = new Dictionary<string, string> { [Leftovers.MarkerVariable] = longMarker },
        })));
        await Eventually.TrueAsync(() => Leftovers.ProcessesWithMarker(longMarker).Count > 0, TimeSpan.FromSeconds(10), "the long run never started");

        var stopping = host.StopAsync();
        using var late = host.Client(host.AliceKey);
        var shortResult = await Http.JsonAsync(await shortRun);
        Assert.Equal("done\n", shortResult.GetProperty("stdout").GetString());
        using var longResponse = await longRun;
        await Http.ErrorAsync(longResponse, HttpStatusCode.ServiceUnavailable, "shutting-down");
        await stopping;

        Assert.Empty(Leftovers.ProcessesWithMarker(longMarker));
        Leftovers.AssertNone(backend, longMarker);
        List<AuditRecord> records;
        using (var store = SqliteStore.Open(host.DataDir)) records = store.QueryAudit(new AuditQuery { Limit = 100 }).ToList();
        Assert.Contains(records, r => r.Action == "runs.create" && r.Owner == "alice" && r.Outcome == "ok");
        Assert.Contains(records, r => r.Action == "runs.create" && r.Owner == "bob" && r.Outcome == "killed" && r.Status == 503);
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Restart_ReportsSessionsThatWereLiveAsLost_AndNothingOfThemIsLeft()
    {
        var dir = Directory.CreateTempSubdirectory("wdn-").FullName;
        var host = await WardenTestHost.StartAsync(reuseDir: dir);
        var backend = host.Backend;
        var marker = Guid.NewGuid().ToString("N");
        using var alice = host.Client(host.AliceKey);
        var created = await Http.JsonAsync(await alice.PostAsync("/v1/sessions", WardenTestHost.Json(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["language"] = "python",
            ["env"] = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
        }))));
        var id = created.GetProperty("id").GetString()!;
        Assert.NotEmpty(Leftovers.ProcessesWithMarker(marker));
        await host.StopAsync();
        Assert.Empty(Leftovers.ProcessesWithMarker(marker));
        Leftovers.AssertNone(backend, marker);

        await using var again = await WardenTestHost.StartAsync(reuseDir: dir);
        Assert.Equal("lost", again.Store.FindSession(id)!.State);
        using var alice2 = again.Client(again.AliceKey);
        var info = await Http.JsonAsync(await alice2.GetAsync($"/v1/sessions/{id}"));
        Assert.Equal("lost", info.GetProperty("state").GetString());
        Assert.Contains(id, await alice2.GetStringAsync("/v1/sessions"));
        await Http.ErrorAsync(await alice2.PostAsync($"/v1/sessions/{id}/execute", WardenTestHost.Json("""{"code": "1"}""")), HttpStatusCode.Conflict, "session-ended");
        using var bob = again.Client(again.BobKey);
        await Http.ErrorAsync(await bob.GetAsync($"/v1/sessions/{id}"), HttpStatusCode.NotFound, "not-found");
    }
}
