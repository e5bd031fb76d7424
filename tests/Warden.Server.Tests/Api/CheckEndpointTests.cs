using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Warden.Server.Tests.Support;
using Warden.TestSupport;

namespace Warden.Server.Tests.Api;

/// <summary>The advisory code checks over HTTP: <c>POST /v1/checks</c> and a run's <c>check</c> field, on TCP and on the Unix socket.</summary>
[Collection(ServerCollection.Name)]
public sealed class CheckEndpointTests(SharedServer server)
{
    private const string Shell = "import os\nos.system('true')\nprint('ran')\n";
    private WardenTestHost Host => server.Host;

    private HttpClient Client(bool socket, string key) => socket ? Host.SocketClient(key) : Host.Client(key);

    private static string RunBody(string check) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["language"] = "python", ["code"] = Shell, ["check"] = check });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_CheckBlock_WithABlockLevelFinding_Is422WithTheFindings_AndRunsNothing(bool socket)
    {
        using var c = Client(socket, Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json(RunBody("block")));
        var error = await Http.ErrorAsync(r, HttpStatusCode.UnprocessableContent, "code-check-blocked");
        var finding = error.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "py.process-exec");
        Assert.Equal("block", finding.GetProperty("severity").GetString());
        Assert.Equal(2, finding.GetProperty("line").GetInt32());
        Assert.Equal(4, finding.GetProperty("column").GetInt32()); // os.system: at "system"
        Assert.False(string.IsNullOrEmpty(finding.GetProperty("message").GetString()));

        // Nothing ran: the audit record of the request has no run's reason or CPU time.
        using var admin = Host.Client(Host.AdminKey);
        var requestId = r.Headers.GetValues("X-Request-Id").Single();
        JsonElement? record = null;
        await Eventually.TrueAsync(() =>
        {
            var page = Http.JsonAsync(admin.GetAsync("/v1/audit?limit=1000&action=runs.create").GetAwaiter().GetResult()).GetAwaiter().GetResult();
            record = page.GetProperty("records").EnumerateArray().FirstOrDefault(x => x.GetProperty("requestId").GetString() == requestId);
            return record is { ValueKind: JsonValueKind.Object };
        }, TimeSpan.FromSeconds(30), "the refused run was not audited");
        Assert.Equal("code-check-blocked", record!.Value.GetProperty("outcome").GetString());
        Assert.Equal(422, record.Value.GetProperty("status").GetInt32());
        Assert.True(record.Value.GetProperty("reason").ValueKind == JsonValueKind.Null, record.Value.GetRawText());
        Assert.True(record.Value.GetProperty("cpuMs").ValueKind == JsonValueKind.Null, record.Value.GetRawText());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_CheckWarn_RunsAndReturnsTheFindingsInTheResult(bool socket)
    {
        using var c = Client(socket, Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json(RunBody("warn")));
        var body = await Http.JsonAsync(r);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("ran\n", body.GetProperty("stdout").GetString());
        Assert.Contains(body.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "py.process-exec");
    }

    [Fact]
    public async Task Run_CheckBlock_Streamed_IsAnOrdinary422BeforeTheStream()
    {
        using var c = Host.Client(Host.AliceKey);
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = WardenTestHost.Json(RunBody("block")) };
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
        using var r = await c.SendAsync(req);
        var error = await Http.ErrorAsync(r, HttpStatusCode.UnprocessableContent, "code-check-blocked");
        Assert.NotEmpty(error.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public async Task Run_CheckBlock_WithOnlyHarmlessCode_Runs()
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "print(sum(range(4)))", "check": "block"}"""));
        var body = await Http.JsonAsync(r);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("6\n", body.GetProperty("stdout").GetString());
        Assert.Empty(body.GetProperty("findings").EnumerateArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Checks_AnswersTheFindings_WithoutRunningAnything(bool socket)
    {
        using var c = Client(socket, Host.AliceKey);
        using var r = await c.PostAsync("/v1/checks", WardenTestHost.Json(JsonSerializer.Serialize(new { language = "py", code = Shell })));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, text);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("python", body.GetProperty("language").GetString());
        Assert.Equal("block", body.GetProperty("mode").GetString());
        Assert.True(body.GetProperty("analyzed").GetBoolean());
        Assert.True(body.GetProperty("blocked").GetBoolean());
        Assert.Equal("block", body.GetProperty("highestSeverity").GetString());
        var f = body.GetProperty("findings").EnumerateArray().Single(x => x.GetProperty("ruleId").GetString() == "py.process-exec");
        Assert.Equal(2, f.GetProperty("line").GetInt32());
        Assert.Equal(4, f.GetProperty("column").GetInt32());
        Assert.Equal("block", f.GetProperty("severity").GetString());
        Assert.False(string.IsNullOrEmpty(f.GetProperty("message").GetString()));
        Assert.False(body.TryGetProperty("stdout", out _));
    }

    [Theory]
    [InlineData("warn", true, false)]
    [InlineData("off", false, false)]
    public async Task Checks_Mode_IsHonoured(string mode, bool analyzed, bool blocked)
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/checks", WardenTestHost.Json(JsonSerializer.Serialize(new { language = "python", code = Shell, mode })));
        var body = await Http.JsonAsync(r);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(mode, body.GetProperty("mode").GetString());
        Assert.Equal(analyzed, body.GetProperty("analyzed").GetBoolean());
        Assert.Equal(blocked, body.GetProperty("blocked").GetBoolean());
    }

    [Fact]
    public async Task Checks_ALanguageWithoutAChecker_IsNotAnalyzed()
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/checks", WardenTestHost.Json("""{"language": "c", "code": "int main(void) { return system(\"ls\"); }"}"""));
        var body = await Http.JsonAsync(r);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.False(body.GetProperty("analyzed").GetBoolean());
        Assert.Empty(body.GetProperty("findings").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"language": "cobol-77", "code": "x"}""", "language-unavailable", "language")]
    [InlineData("""{"language": "python"}""", "invalid-request", "code")]
    [InlineData("""{"code": "x"}""", "invalid-request", "language")]
    [InlineData("""{"language": "python", "code": null}""", "invalid-json", null)]
    [InlineData("""{"language": "python", "code": "x\u0000y"}""", "invalid-request", "code")]
    [InlineData("""{"language": "python", "code": "x", "mode": "strict"}""", "invalid-request", "mode")]
    [InlineData("""{"language": "python", "code": "x", "policy": {}}""", "invalid-request", "policy")]
    [InlineData("""{"language": "python", "code": "x", "code": "y"}""", "invalid-request", null)]
    [InlineData("""["python", "x"]""", "invalid-request", null)]
    [InlineData("""{"language": "python", "code": """, "invalid-json", null)]
    public async Task Checks_HostileOrMalformedBodies_AreErrorsInTheApiShape(string json, string code, string? field)
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/checks", WardenTestHost.Json(json));
        var error = await Http.ErrorAsync(r, HttpStatusCode.BadRequest, code);
        if (field is not null) Assert.Equal(field, error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Checks_BadUtf8_IsInvalidJson()
    {
        using var c = Host.Client(Host.AliceKey);
        var bytes = Encoding.UTF8.GetBytes("""{"language": "python", "code": "x = 'AB'"}""");
        var i = Array.IndexOf(bytes, (byte)'A');
        bytes[i] = 0xC3;
        bytes[i + 1] = 0x28; // an invalid two-byte sequence
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var r = await c.PostAsync("/v1/checks", content);
        await Http.ErrorAsync(r, HttpStatusCode.BadRequest, "invalid-json");
    }

    [Fact]
    public async Task Checks_BodyOverTheSocketLimit_Is413WhileReading()
    {
        using var c = Host.SocketClient(Host.AliceKey);
        var big = new string('x', (1 << 20) + 10);
        using var content = new PushStreamContent(async s =>
        {
            await s.WriteAsync("{\"language\": \"python\", \"code\": \""u8.ToArray());
            await s.WriteAsync(Encoding.ASCII.GetBytes(big));
            await s.WriteAsync("\"}"u8.ToArray());
        });
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var r = await c.PostAsync("/v1/checks", content);
            await Http.ErrorAsync(r, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        }
        catch (HttpRequestException)
        {
            // Answered and closed while the client was still sending: also a refusal while reading.
        }
        // The same body over TCP is within the TCP limit (16 MiB) and is checked.
        using var tcp = Host.Client(Host.AliceKey);
        using var ok = await tcp.PostAsync("/v1/checks", WardenTestHost.Json("{\"language\": \"python\", \"code\": \"#" + big + "\"}"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Checks_HoldARunSlot_SoAKeyAtItsConcurrentRuns_IsRefused()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Quotas:User:ConcurrentRuns"] = "1",
            ["Engine:FastPath:Enabled"] = "false",
        });
        using var alice = host.Client(host.AliceKey);
        var marker = Guid.NewGuid().ToString("N");
        var run = alice.PostAsync("/v1/runs", WardenTestHost.Json(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["language"] = "bash",
            ["code"] = "sleep 60",
            ["env"] = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
            ["limits"] = new Dictionary<string, int> { ["timeoutMs"] = 4000 },
        })));
        await Eventually.TrueAsync(() => Leftovers.ProcessesWithMarker(marker).Count > 0, TimeSpan.FromSeconds(30), "the run never started");

        using (var refused = await alice.PostAsync("/v1/checks", WardenTestHost.Json("""{"language": "python", "code": "print(1)"}""")))
            await Http.ErrorAsync(refused, HttpStatusCode.TooManyRequests, "too-many-runs");

        using (var done = await run) Assert.Equal("timeout", (await Http.JsonAsync(done)).GetProperty("reason").GetString());
        using (var ok = await alice.PostAsync("/v1/checks", WardenTestHost.Json("""{"language": "python", "code": "print(1)"}""")))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Empty(Leftovers.ProcessesWithMarker(marker));
        Leftovers.AssertNone(host.Backend, marker);
    }

    [Fact]
    public async Task Checks_NeedARunnerKey_AndAreAudited()
    {
        using (var nobody = Host.Client())
            await Http.ErrorAsync(await nobody.PostAsync("/v1/checks", WardenTestHost.Json("""{"language": "python", "code": "x"}""")), HttpStatusCode.Unauthorized);
        using (var reader = Host.Client(Host.AliceReaderKey))
            await Http.ErrorAsync(await reader.PostAsync("/v1/checks", WardenTestHost.Json("""{"language": "python", "code": "x"}""")), HttpStatusCode.Forbidden);
        using (var bob = Host.Client(Host.BobKey))
            Assert.Equal(HttpStatusCode.OK, (await bob.PostAsync("/v1/checks", WardenTestHost.Json("""{"language": "bash", "code": "echo hi"}"""))).StatusCode);

        using var admin = Host.Client(Host.AdminKey);
        var records = new List<JsonElement>();
        await Eventually.TrueAsync(() =>
        {
            var page = Http.JsonAsync(admin.GetAsync("/v1/audit?limit=1000&action=checks.create").GetAwaiter().GetResult()).GetAwaiter().GetResult();
            records = page.GetProperty("records").EnumerateArray().ToList();
            return records.Any(r => r.GetProperty("owner").GetString() == "bob" && r.GetProperty("outcome").GetString() == "ok")
                && records.Any(r => r.GetProperty("outcome").GetString() == "forbidden");
        }, TimeSpan.FromSeconds(30), "the checks were not audited");
        var ok = records.First(r => r.GetProperty("owner").GetString() == "bob" && r.GetProperty("outcome").GetString() == "ok");
        Assert.Equal("bash", ok.GetProperty("target").GetString());
        Assert.Equal(200, ok.GetProperty("status").GetInt32());
    }
}
