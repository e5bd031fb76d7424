using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Warden.Server.Tests.Support;
using Warden.TestSupport;

namespace Warden.Server.Tests.Api;

[Collection(ServerCollection.Name)]
public sealed class RunEndpointTests(SharedServer server)
{
    private WardenTestHost Host => server.Host;

    [Fact]
    public async Task Run_Python_AnswersTheResultContract()
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "print(6 * 7)"}"""));
        var body = await Http.JsonAsync(r);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("python", body.GetProperty("language").GetString());
        Assert.Equal("exited", body.GetProperty("reason").GetString());
        Assert.Equal(0, body.GetProperty("exitCode").GetInt32());
        Assert.Equal("42\n", body.GetProperty("stdout").GetString());
        foreach (var field in new[] { "signal", "stderr", "stdoutTruncated", "stderrTruncated", "wallMs", "cpuMs", "peakMemoryBytes", "compile", "files", "path", "limits" })
            Assert.True(body.TryGetProperty(field, out _), "missing " + field);
    }

    [Theory]
    [InlineData("""{"code": "print(6 * 7)"}""", "python", "content")]
    [InlineData("""{"language": "auto", "code": "#!/bin/bash\necho $((6 * 7))"}""", "bash", "shebang")]
    [InlineData("""{"language": "auto", "files": [{"path": "prog.js", "content": "x = 6 * 7\nconsole.log(x)"}], "entry": "prog.js"}""", "javascript", "filename")]
    [InlineData("""{"language": "python", "code": "print(6 * 7)"}""", "python", "request")]
    public async Task Run_WithoutALanguage_DetectsItAndSaysHow(string json, string language, string source)
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json(json));
        var body = await Http.JsonAsync(r);
        Assert.True(r.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal(language, body.GetProperty("language").GetString());
        Assert.Equal(source, body.GetProperty("languageSource").GetString());
        Assert.Equal("42\n", body.GetProperty("stdout").GetString());
        Assert.Equal(0, body.GetProperty("limitsReached").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"code": "x = 1"}""", "python")]
    [InlineData("""{"language": "auto", "code": "hello world"}""", "python")]
    public async Task Run_AmbiguousCode_Is422LanguageAmbiguousAndNothingRuns(string json, string named)
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json(json));
        var body = await Http.JsonAsync(r);
        Assert.Equal((HttpStatusCode)422, r.StatusCode);
        var error = body.GetProperty("error");
        Assert.Equal("language-ambiguous", error.GetProperty("code").GetString());
        Assert.Equal("language", error.GetProperty("field").GetString());
        Assert.Contains(named, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Run_ShebangOfALanguageWardenDoesNotRun_Is400LanguageUnavailable()
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json("""{"code": "#!/usr/bin/perl\nprint 1;"}"""));
        var body = await Http.JsonAsync(r);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("language-unavailable", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("perl", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Run_Timeout_IsDataNotAnError()
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "while True: pass", "limits": {"timeoutMs": 300}}"""));
        var body = await Http.JsonAsync(r);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("timeout", body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Run_StreamedAsNdjson_YieldsStartedOutputAndCompleted()
    {
        using var c = Host.Client(Host.AliceKey);
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = WardenTestHost.Json("""{"language": "python", "code": "print('a', flush=True)\nprint('b')"}""") };
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
        using var r = await c.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/x-ndjson", r.Content.Headers.ContentType?.MediaType);
        var lines = (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("started", lines[0].GetProperty("type").GetString());
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "output");
        var last = lines[^1];
        Assert.Equal("completed", last.GetProperty("type").GetString());
        Assert.Equal("a\nb\n", last.GetProperty("result").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task Run_StreamedAsServerSentEvents_YieldsNamedEvents()
    {
        using var c = Host.Client(Host.AliceKey);
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = WardenTestHost.Json("""{"language": "bash", "code": "echo hi"}""") };
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var r = await c.SendAsync(req);
        Assert.Equal("text/event-stream", r.Content.Headers.ContentType?.MediaType);
        var text = await r.Content.ReadAsStringAsync();
        Assert.StartsWith("event: started\ndata: {", text);
        Assert.Contains("event: output\ndata: {", text);
        Assert.Contains("event: completed\ndata: {", text);
        Assert.EndsWith("\n\n", text);
    }

    [Fact]
    public async Task Run_StreamedValidationError_IsAnOrdinaryErrorResponse()
    {
        using var c = Host.Client(Host.AliceKey);
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = WardenTestHost.Json("""{"language": "cobol-77", "code": "x"}""") };
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
        using var r = await c.SendAsync(req);
        await Http.ErrorAsync(r, HttpStatusCode.BadRequest, "language-unavailable");
    }

    [Fact]
    public async Task Run_ClientDisconnectsMidStream_KillsTheRunAndLeavesNothing()
    {
        var marker = Guid.NewGuid().ToString("N");
        var code = "import time\nprint('up', flush=True)\ntime.sleep(120)";
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["language"] = "python",
            ["code"] = code,
            ["env"] = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
        });
        using (var c = Host.Client(Host.AliceKey))
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = WardenTestHost.Json(json) };
            req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
            using var r = await c.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await r.Content.ReadAsStreamAsync());
            string? line;
            while ((line = await reader.ReadLineAsync()) is not null && !line.Contains("up", StringComparison.Ordinal)) { }
            Assert.NotNull(line);
            Assert.NotEmpty(Leftovers.RunProcesses(Host.Backend)); // on either path (cold or zygote)
        } // the client goes away here, mid-run
        await Eventually.TrueAsync(() => Leftovers.ProcessesWithMarker(marker).Count == 0 && Leftovers.RunProcesses(Host.Backend).Count == 0,
            TimeSpan.FromSeconds(10), "the run's processes outlived the client");
        await Eventually.TrueAsync(() => Sandboxes.OfRuns(Host.Backend) == 0, TimeSpan.FromSeconds(10), "the run's cgroup outlived the client");
        Leftovers.AssertNone(Host.Backend, marker);
        await Eventually.TrueAsync(() => Host.Store.QueryAudit(new Storage.AuditQuery { Limit = 20, Owner = "alice", Action = "runs.create" })
            .Any(r => r.Outcome == "client-closed"), TimeSpan.FromSeconds(10), "the abandoned run was not audited as client-closed");
    }

    [Fact]
    public async Task Run_ClientDisconnectsDuringSynchronousRun_KillsTheRun()
    {
        var marker = Guid.NewGuid().ToString("N");
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["language"] = "bash",
            ["code"] = "sleep 120",
            ["env"] = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
        });
        using (var c = Host.Client(Host.AliceKey))
        using (var cts = new CancellationTokenSource())
        {
            var call = c.PostAsync("/v1/runs", WardenTestHost.Json(json), cts.Token);
            await Eventually.TrueAsync(() => Leftovers.ProcessesWithMarker(marker).Count > 0, TimeSpan.FromSeconds(10), "the run never started");
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }
        await Eventually.TrueAsync(() => Leftovers.ProcessesWithMarker(marker).Count == 0, TimeSpan.FromSeconds(10), "the run outlived the client");
        await Eventually.TrueAsync(() => Sandboxes.OfRuns(Host.Backend) == 0, TimeSpan.FromSeconds(10), "the cgroup outlived the client");
        Leftovers.AssertNone(Host.Backend, marker);
    }

    [Theory]
    [InlineData("""{"language": "python", "code": "1", "cod": "x"}""", "cod")]
    [InlineData("""{"language": "python", "code": "1", "limits": {"memoryMB": 5}}""", "limits.memoryMB")]
    [InlineData("""{"Language": "python", "code": "1"}""", "Language")]
    [InlineData("""{"language": "python", "files": [{"path": "a.py", "content": "", "mode": 7}]}""", "files[0].mode")]
    public async Task Run_UnknownField_Is400NamingTheField(string json, string field)
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json(json));
        var e = await Http.ErrorAsync(r, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(field, e.GetProperty("field").GetString());
        Assert.Contains(field, e.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("""{"code": 5}""", "code")]
    [InlineData("""{"language": "python", "code": 5}""", "code")]
    [InlineData("""{"language": "python", "code": "1", "limits": {"memoryMb": "lots"}}""", "limits.memoryMb")]
    [InlineData("""{"language": "python", "code": "1", "limits": {"memoryMb": -5}}""", "limits.memoryMb")]
    [InlineData("""{"language": "python", "code": "1", "language": "bash"}""", "language")]
    [InlineData("""{"language": "python", "files": [{"path": "../x", "content": "1"}]}""", "files[0].path")]
    [InlineData("""{"language": "python", "code": "1", "env": {"LD_PRELOAD": "x"}}""", "env.LD_PRELOAD")]
    public async Task Run_InvalidField_Is400NamingTheField(string json, string field)
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json(json));
        var e = await Http.ErrorAsync(r, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(field, e.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"language\": \"python\",}x")]
    [InlineData("nul")]
    [InlineData("")]
    [InlineData("{\"language\": \"py\u0000thon\"")]
    public async Task Run_MalformedJson_Is400(string json)
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json(json));
        await Http.ErrorAsync(r, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("null")]
    [InlineData("42")]
    public async Task Run_BodyNotAnObject_Is400(string json)
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json(json));
        await Http.ErrorAsync(r, HttpStatusCode.BadRequest, "invalid-request");
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe })]
    [InlineData(new byte[] { 0xc0, 0xaf })]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })]
    public async Task Run_BadUtf8_Is400(byte[] bad)
    {
        var body = Encoding.ASCII.GetBytes("{\"language\": \"python\", \"code\": \"print(1)").Concat(bad).Concat(Encoding.ASCII.GetBytes("\"}")).ToArray();
        using var c = Host.Client(Host.AliceKey);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var r = await c.PostAsync("/v1/runs", content);
        var e = await Http.ErrorAsync(r, HttpStatusCode.BadRequest, "invalid-json");
        Assert.Contains("UTF-8", e.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Run_WrongContentType_Is415()
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", new StringContent("""{"language": "python", "code": "1"}""", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Http.ErrorAsync(r, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task Run_UnknownLanguage_Is400NamingIt()
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "cobol-77", "code": "1"}"""));
        var e = await Http.ErrorAsync(r, HttpStatusCode.BadRequest, "language-unavailable");
        Assert.Equal("language", e.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Run_BodyOverTheLimit_Is413BeforeItIsRead()
    {
        using var c = Host.Client(Host.AliceKey);
        var big = new string('a', 17 << 20);
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = WardenTestHost.Json("{\"language\": \"python\", \"code\": \"" + big + "\"}") };
        // The server answers from Content-Length alone; with 100-continue the client never sends the body.
        req.Headers.ExpectContinue = true;
        using var r = await c.SendAsync(req);
        await Http.ErrorAsync(r, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task Run_ChunkedBodyOverTheLimit_Is413WhileReading()
    {
        using var c = Host.Client(Host.AliceKey);
        using var content = new PushStreamContent(async s =>
        {
            await s.WriteAsync("{\"language\": \"python\", \"code\": \""u8.ToArray());
            var chunk = Encoding.ASCII.GetBytes(new string('a', 1 << 20));
            for (var i = 0; i < 40; i++) await s.WriteAsync(chunk);
            await s.WriteAsync("\"}"u8.ToArray());
        });
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpResponseMessage? r = null;
        try
        {
            r = await c.PostAsync("/v1/runs", content);
        }
        catch (HttpRequestException)
        {
            return; // the server answered 413 and closed the connection while we were still sending: also right
        }
        using (r) await Http.ErrorAsync(r, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task Request_HugeHeaders_Is431()
    {
        using var c = Host.Client(Host.AliceKey);
        using var req = new HttpRequestMessage(HttpMethod.Get, "/status");
        req.Headers.Add("X-Padding", new string('x', 64 << 10));
        using var r = await c.SendAsync(req);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, r.StatusCode);
    }

    [Fact]
    public async Task Run_LimitsAboveTheKeysQuota_Are403NamingTheField()
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "1", "limits": {"memoryMb": 4096}}"""));
        var e = await Http.ErrorAsync(r, HttpStatusCode.Forbidden, "quota-exceeded");
        Assert.Equal("limits.memoryMb", e.GetProperty("field").GetString());
        using var r2 = await c.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "1", "limits": {"timeoutMs": 600000}}"""));
        var e2 = await Http.ErrorAsync(r2, HttpStatusCode.Forbidden, "quota-exceeded");
        Assert.Equal("limits.timeoutMs", e2.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Run_AdminMayAskForMoreThanAUser()
    {
        using var c = Host.Client(Host.AdminKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "print(1)", "limits": {"memoryMb": 2048}}"""));
        var body = await Http.JsonAsync(r);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(2048, body.GetProperty("limits").GetProperty("memoryMb").GetInt32());
    }
}
