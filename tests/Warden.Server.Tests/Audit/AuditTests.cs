using System.Net;
using System.Text;
using System.Text.Json;
using Warden.Server.Tests.Support;

namespace Warden.Server.Tests.Audit;

[Collection(ServerCollection.Name)]
public sealed class AuditTests
{
    [Fact]
    public async Task Audit_RecordsSuccessAndFailure_WithoutCodeOrKeys_AndSurvivesARestart()
    {
        var dir = Directory.CreateTempSubdirectory("wdn-").FullName;
        var secret = "SECRET_" + Guid.NewGuid().ToString("N");
        string adminKey, aliceKey;
        var host = await WardenTestHost.StartAsync(reuseDir: dir);
        {
            adminKey = host.AdminKey;
            aliceKey = host.AliceKey;
            using var alice = host.Client(host.AliceKey);
            var ok = await alice.PostAsync("/v1/runs", WardenTestHost.Json($$$"""{"language": "python", "code": "x = '{{{secret}}}'\nprint(len(x))", "env": {"TOKEN": "{{{secret}}}"}}"""));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var bad = await alice.PostAsync("/v1/runs", WardenTestHost.Json($$$"""{"language": "python", "code": "{{{secret}}}", "limits": {"memoryMb": 99999}}"""));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            using var nobody = host.Client(secret);
            Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.GetAsync("/status")).StatusCode);

            await host.StopAsync(); // flushes the audit writer
            var records = ReadAudit(host.DataDir);
            var run = records.Single(r => r.Action == "runs.create" && r.Outcome == "ok");
            Assert.Equal(200, run.Status);
            Assert.Equal("python", run.Target);
            Assert.Equal("alice", run.Owner);
            Assert.Equal("user", run.Role);
            Assert.Equal("exited", run.Reason);
            Assert.True(run.CpuMs > 0);
            Assert.True(run.PeakMemoryBytes > 0);
            Assert.True(run.DurationMs > 0);
            Assert.Null(run.Code);
            Assert.Contains(records, r => r.Action == "runs.create" && r.Outcome == "invalid-request" && r.Status == 400);
            Assert.Contains(records, r => r.Outcome == "unauthorized" && r.Status == 401 && r.KeyId is null);

            // Nothing of the code, the environment or any key is anywhere in the database files.
            foreach (var file in Directory.GetFiles(host.DataDir, "warden.db*"))
            {
                var bytes = File.ReadAllBytes(file);
                foreach (var needle in new[] { secret, adminKey, aliceKey, aliceKey[^43..], adminKey[^43..] })
                    Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) < 0, $"{Path.GetFileName(file)} contains a secret");
            }
        }

        await using (var again = await WardenTestHost.StartAsync(reuseDir: dir))
        {
            // The old keys still work after the restart, and the old records are there.
            using var admin = again.Client(adminKey);
            var page = await Http.JsonAsync(await admin.GetAsync("/v1/audit?limit=1000"));
            var records = page.GetProperty("records").EnumerateArray().ToList();
            Assert.Contains(records, r => r.GetProperty("action").GetString() == "runs.create" && r.GetProperty("outcome").GetString() == "ok");
            Assert.DoesNotContain(secret, page.GetRawText());
        }
    }

    [Fact]
    public async Task Audit_KeepCode_StoresTheCodeOfRuns()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?> { ["Audit:KeepCode"] = "true" });
        using var alice = host.Client(host.AliceKey);
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "print('kept')"}"""))).StatusCode);
        await host.StopAsync();
        Assert.Contains(ReadAudit(host.DataDir), r => r.Code == "print('kept')");
    }

    [Fact]
    public async Task AuditApi_PagesNewestFirst_AndFilters()
    {
        await using var host = await WardenTestHost.StartAsync();
        using var alice = host.Client(host.AliceKey);
        for (var i = 0; i < 5; i++) await alice.GetAsync("/status");
        using var admin = host.Client(host.AdminKey);
        await Eventually.TrueAsync(() => host.Store.CountAudit() >= 5, TimeSpan.FromSeconds(5), "records not written");
        var page = await Http.JsonAsync(await admin.GetAsync("/v1/audit?limit=2&owner=alice"));
        var records = page.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(2, records.Count);
        Assert.True(records[0].GetProperty("id").GetInt64() > records[1].GetProperty("id").GetInt64());
        var next = page.GetProperty("next").GetInt64();
        var page2 = await Http.JsonAsync(await admin.GetAsync($"/v1/audit?limit=2&owner=alice&before={next}"));
        Assert.All(page2.GetProperty("records").EnumerateArray(), r => Assert.True(r.GetProperty("id").GetInt64() < next));
        await Http.ErrorAsync(await admin.GetAsync("/v1/audit?limit=5000"), HttpStatusCode.BadRequest, "invalid-request");
        await Http.ErrorAsync(await admin.GetAsync("/v1/audit?limit=abc"), HttpStatusCode.BadRequest);
    }

    internal static List<Storage.AuditRecord> ReadAudit(string dataDir)
    {
        using var store = Storage.SqliteStore.Open(dataDir);
        return store.QueryAudit(new Storage.AuditQuery { Limit = 1000 }).ToList();
    }
}
