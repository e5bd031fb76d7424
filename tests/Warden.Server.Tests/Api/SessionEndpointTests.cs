using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Warden.Server.Tests.Support;

namespace Warden.Server.Tests.Api;

[Collection(ServerCollection.Name)]
public sealed class SessionEndpointTests(SharedServer server)
{
    private WardenTestHost Host => server.Host;

    private async Task<string> CreateAsync(HttpClient c, string json = """{"language": "python"}""")
    {
        using var r = await c.PostAsync("/v1/sessions", WardenTestHost.Json(json));
        var body = await Http.JsonAsync(r);
        Assert.True(r.StatusCode == HttpStatusCode.Created, body.GetRawText());
        return body.GetProperty("id").GetString()!;
    }

    // Runs the body against a fresh session of the client's, and deletes the session whatever happens.
    private async Task WithSessionAsync(HttpClient c, Func<string, Task> body)
    {
        var id = await CreateAsync(c);
        try
        {
            await body(id);
        }
        finally
        {
            await c.DeleteAsync($"/v1/sessions/{id}");
        }
    }

    private static async Task<JsonElement> ExecuteAsync(HttpClient c, string id, string code)
    {
        using var r = await c.PostAsync($"/v1/sessions/{id}/execute", WardenTestHost.Json(JsonSerializer.Serialize(new { code })));
        var body = await Http.JsonAsync(r);
        Assert.True(r.StatusCode == HttpStatusCode.OK, body.GetRawText());
        return body;
    }

    private static string Text(JsonElement cell) => string.Concat(cell.GetProperty("outputs").EnumerateArray()
        .Where(o => o.GetProperty("outputType").GetString() == "stream").Select(o => o.GetProperty("text").GetString()));

    [Fact]
    public async Task Session_KeepsStateBetweenCells_RunsCommands_AndMovesFiles()
    {
        using var alice = Host.Client(Host.AliceKey);
        var id = await CreateAsync(alice);
        try
        {
            var info = await Http.JsonAsync(await alice.GetAsync($"/v1/sessions/{id}"));
            Assert.Equal("alice", info.GetProperty("owner").GetString());
            Assert.Contains(id, await (await alice.GetAsync("/v1/sessions")).Content.ReadAsStringAsync());

            await ExecuteAsync(alice, id, "x = 41");
            var cell = await ExecuteAsync(alice, id, "print(x + 1)");
            Assert.Equal("42\n", Text(cell));
            Assert.Equal(2, cell.GetProperty("executionCount").GetInt32());

            using var up = new ByteArrayContent("a,b\n1,2\n"u8.ToArray());
            up.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var put = await alice.PutAsync($"/v1/sessions/{id}/files/data/in.csv", up);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal("2\n", Text(await ExecuteAsync(alice, id, "print(len(open('data/in.csv').read().splitlines()) - 0 - 0 and 2)")));
            var files = await Http.JsonAsync(await alice.GetAsync($"/v1/sessions/{id}/files?path=data"));
            Assert.Contains(files.EnumerateArray(), f => f.GetProperty("path").GetString() == "data/in.csv");
            using var get = await alice.GetAsync($"/v1/sessions/{id}/files/data/in.csv");
            Assert.Equal("a,b\n1,2\n", await get.Content.ReadAsStringAsync());
            Assert.Equal("application/octet-stream", get.Content.Headers.ContentType?.MediaType);

            using var cmd = await alice.PostAsync($"/v1/sessions/{id}/commands", WardenTestHost.Json("""{"command": "ls data && echo done"}"""));
            var result = await Http.JsonAsync(cmd);
            Assert.Equal("in.csv\ndone\n", result.GetProperty("stdout").GetString());
            Assert.Equal("exited", result.GetProperty("reason").GetString());

            Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/v1/sessions/{id}/files/data/in.csv")).StatusCode);
            await Http.ErrorAsync(await alice.GetAsync($"/v1/sessions/{id}/files/data/in.csv"), HttpStatusCode.NotFound, "file-not-found");

            var restarted = await Http.JsonAsync(await alice.PostAsync($"/v1/sessions/{id}/restart", null));
            Assert.Equal(0, restarted.GetProperty("executionCount").GetInt32());
            var after = await ExecuteAsync(alice, id, "print('x' in globals())");
            Assert.Equal("False\n", Text(after));
        }
        finally
        {
            using var del = await alice.DeleteAsync($"/v1/sessions/{id}");
            Assert.Equal(HttpStatusCode.OK, del.StatusCode);
            Assert.Equal("closed", (await Http.JsonAsync(del)).GetProperty("state").GetString());
        }
        await Http.ErrorAsync(await alice.PostAsync($"/v1/sessions/{id}/execute", WardenTestHost.Json("""{"code": "1"}""")), HttpStatusCode.Conflict, "session-ended");
    }

    [Fact]
    public async Task Restart_RunsTheInitCodeAgain_AndAnInitCodeThatNowFailsIs409_WithTheSessionLive()
    {
        using var alice = Host.Client(Host.AliceKey);
        var id = await CreateAsync(alice, JsonSerializer.Serialize(new
        {
            language = "python",
            initCode = "import os\nif os.path.exists('broken'): raise RuntimeError('no fonts')\nimport math",
        }));
        try
        {
            Assert.Equal("3.14\n", Text(await ExecuteAsync(alice, id, "print(round(math.pi, 2))")));
            using (var r = await alice.PostAsync($"/v1/sessions/{id}/restart", null))
                Assert.Equal(0, (await Http.JsonAsync(r)).GetProperty("executionCount").GetInt32());
            Assert.Equal("3.14\n", Text(await ExecuteAsync(alice, id, "print(round(math.pi, 2))")));

            await ExecuteAsync(alice, id, "open('broken', 'w').close()");
            var error = await Http.ErrorAsync(await alice.PostAsync($"/v1/sessions/{id}/restart", null), HttpStatusCode.Conflict, "session-init-failed");
            Assert.Contains("RuntimeError: no fonts", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            var info = await Http.JsonAsync(await alice.GetAsync($"/v1/sessions/{id}"));
            Assert.Equal(("idle", 0), (info.GetProperty("state").GetString(), info.GetProperty("executionCount").GetInt32()));
            var withoutInit = await ExecuteAsync(alice, id, "math.pi");
            Assert.Contains(withoutInit.GetProperty("outputs").EnumerateArray(), o => o.GetProperty("outputType").GetString() == "error" && o.GetProperty("ename").GetString() == "NameError");
        }
        finally
        {
            await alice.DeleteAsync($"/v1/sessions/{id}");
        }
    }

    [Fact]
    public async Task Cell_StreamedAsNdjson_YieldsOutputsThenTheResult()
    {
        using var alice = Host.Client(Host.AliceKey);
        await WithSessionAsync(alice, async id =>
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{id}/execute") { Content = WardenTestHost.Json("""{"code": "print('a')\n1 + 1"}""") };
            req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
            using var r = await alice.SendAsync(req);
            var lines = (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal("output", lines[0].GetProperty("type").GetString());
            var done = lines[^1];
            Assert.Equal("completed", done.GetProperty("type").GetString());
            Assert.Contains(done.GetProperty("result").GetProperty("outputs").EnumerateArray(), o => o.GetProperty("outputType").GetString() == "execute_result");
        });
    }

    [Fact]
    public async Task Cell_ClientGoesAway_InterruptsTheCell_AndTheSessionLivesOn()
    {
        using var alice = Host.Client(Host.AliceKey);
        await WithSessionAsync(alice, async id =>
        {
            using (var c = Host.Client(Host.AliceKey))
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{id}/execute") { Content = WardenTestHost.Json("""{"code": "import time\nprint('up', flush=True)\ntime.sleep(60)"}""") };
                req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
                using var r = await c.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
                using var reader = new StreamReader(await r.Content.ReadAsStreamAsync());
                while (await reader.ReadLineAsync() is { } line && !line.Contains("up", StringComparison.Ordinal)) { }
            }
            await Eventually.TrueAsync(() =>
                JsonDocument.Parse(alice.GetStringAsync($"/v1/sessions/{id}").GetAwaiter().GetResult()).RootElement.GetProperty("state").GetString() == "idle",
                TimeSpan.FromSeconds(15), "the cell kept running after its client left");
            Assert.Equal("ok\n", Text(await ExecuteAsync(alice, id, "print('ok')")));
        });
    }

    [Fact]
    public async Task AnotherOwnersSession_Is404_ItsReaderMayOnlyLook_AndAdminSeesIt()
    {
        using var alice = Host.Client(Host.AliceKey);
        await WithSessionAsync(alice, async id =>
        {
            using var bob = Host.Client(Host.BobKey);
            await Http.ErrorAsync(await bob.GetAsync($"/v1/sessions/{id}"), HttpStatusCode.NotFound, "not-found");
            await Http.ErrorAsync(await bob.PostAsync($"/v1/sessions/{id}/execute", WardenTestHost.Json("""{"code": "1"}""")), HttpStatusCode.NotFound, "not-found");
            await Http.ErrorAsync(await bob.PostAsync($"/v1/sessions/{id}/interrupt", null), HttpStatusCode.NotFound);
            await Http.ErrorAsync(await bob.PostAsync($"/v1/sessions/{id}/restart", null), HttpStatusCode.NotFound);
            await Http.ErrorAsync(await bob.PostAsync($"/v1/sessions/{id}/commands", WardenTestHost.Json("""{"command": "id"}""")), HttpStatusCode.NotFound);
            await Http.ErrorAsync(await bob.GetAsync($"/v1/sessions/{id}/files"), HttpStatusCode.NotFound);
            await Http.ErrorAsync(await bob.GetAsync($"/v1/sessions/{id}/files/x"), HttpStatusCode.NotFound);
            await Http.ErrorAsync(await bob.PutAsync($"/v1/sessions/{id}/files/x", new ByteArrayContent([1])), HttpStatusCode.NotFound);
            await Http.ErrorAsync(await bob.DeleteAsync($"/v1/sessions/{id}/files/x"), HttpStatusCode.NotFound);
            await Http.ErrorAsync(await bob.DeleteAsync($"/v1/sessions/{id}"), HttpStatusCode.NotFound);
            Assert.DoesNotContain(id, await bob.GetStringAsync("/v1/sessions"));
            await Http.ErrorAsync(await bob.GetAsync("/v1/sessions/not-a-session-id"), HttpStatusCode.NotFound);

            using var reader = Host.Client(Host.AliceReaderKey);
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/v1/sessions/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/v1/sessions/{id}/files")).StatusCode);
            await Http.ErrorAsync(await reader.PostAsync($"/v1/sessions/{id}/execute", WardenTestHost.Json("""{"code": "1"}""")), HttpStatusCode.Forbidden);
            await Http.ErrorAsync(await reader.PutAsync($"/v1/sessions/{id}/files/x", new ByteArrayContent([1])), HttpStatusCode.Forbidden);
            await Http.ErrorAsync(await reader.DeleteAsync($"/v1/sessions/{id}"), HttpStatusCode.Forbidden);
            await Http.ErrorAsync(await reader.PostAsync("/v1/sessions", WardenTestHost.Json("""{"language": "python"}""")), HttpStatusCode.Forbidden);

            using var admin = Host.Client(Host.AdminKey);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/v1/sessions/{id}")).StatusCode);
            Assert.Contains(id, await admin.GetStringAsync("/v1/sessions"));
        });
    }

    [Theory]
    [InlineData("GET", "files/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("GET", "files/%2Fetc%2Fpasswd")]
    [InlineData("GET", "files/a/%2E%2E/%2E%2E/%2E%2E/etc/passwd")]
    [InlineData("GET", "files?path=..%2F..")]
    [InlineData("GET", "files?path=%2Fetc")]
    [InlineData("GET", "files/link-to-passwd")]
    [InlineData("GET", "files/link-dir/passwd")]
    [InlineData("PUT", "files/..%2Fescape.txt")]
    [InlineData("PUT", "files/link-dir/planted")]
    [InlineData("DELETE", "files/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("GET", "files/nul%00byte")]
    public async Task FilesApi_NeverLeavesTheWorkspace(string method, string relative)
    {
        using var alice = Host.Client(Host.AliceKey);
        await WithSessionAsync(alice, async id =>
        {
            using var mk = await alice.PostAsync($"/v1/sessions/{id}/commands", WardenTestHost.Json("""{"command": "ln -s /etc/passwd link-to-passwd && ln -s /etc link-dir"}"""));
            Assert.Equal(HttpStatusCode.OK, mk.StatusCode);
            using var req = new HttpRequestMessage(new HttpMethod(method), $"/v1/sessions/{id}/{relative}");
            if (method == "PUT") req.Content = new ByteArrayContent("planted"u8.ToArray());
            using var r = await alice.SendAsync(req);
            var body = await r.Content.ReadAsStringAsync();
            Assert.True((int)r.StatusCode is >= 400 and < 500, $"{(int)r.StatusCode}: {body}");
            Assert.DoesNotContain("root:", body);
            Http.AssertSafe(body);
            Assert.False(File.Exists("/escape.txt"));
            Assert.False(File.Exists("/etc/planted"));
        });
    }

    [Fact]
    public async Task Create_UnknownFieldOrLimitAboveQuota_IsRefused()
    {
        using var alice = Host.Client(Host.AliceKey);
        var e = await Http.ErrorAsync(await alice.PostAsync("/v1/sessions", WardenTestHost.Json("""{"language": "python", "image": "ubuntu"}""")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal("image", e.GetProperty("field").GetString());
        var q = await Http.ErrorAsync(await alice.PostAsync("/v1/sessions", WardenTestHost.Json("""{"language": "python", "limits": {"memoryMb": 4096}}""")), HttpStatusCode.Forbidden, "quota-exceeded");
        Assert.Equal("limits.memoryMb", q.GetProperty("field").GetString());
        await Http.ErrorAsync(await alice.PostAsync("/v1/sessions", WardenTestHost.Json("""{"language": "cobol"}""")), HttpStatusCode.BadRequest, "language-unavailable");
    }
}
