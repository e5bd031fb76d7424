using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Warden.Server.Tests.Support;

namespace Warden.Server.Tests.Api;

[Collection(ServerCollection.Name)]
public sealed class EvaluationEndpointTests(SharedServer server)
{
    private WardenTestHost Host => server.Host;

    private const string Batch = """
        {
          "problems": [
            {"taskId": "t/0", "prompt": "def add(a, b):\n    \"\"\"Add two numbers.\"\"\"\n", "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n", "entryPoint": "add"}
          ],
          "samples": [
            {"taskId": "t/0", "completion": "    return a + b\n"},
            {"taskId": "t/0", "completion": "    return a - b\n"}
          ],
          "timeoutMs": 10000,
          "k": [1]
        }
        """;

    [Fact]
    public async Task Evaluation_StreamsVerdictsThenTheSummary()
    {
        using var c = Host.Client(Host.AliceKey);
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/evaluations") { Content = WardenTestHost.Json(Batch) };
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
        using var r = await c.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var lines = (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        var verdicts = lines.Take(2).Select(l => l.GetProperty("verdict")).ToList();
        Assert.All(lines.Take(2), l => Assert.Equal("verdict", l.GetProperty("type").GetString()));
        Assert.Contains(verdicts, v => v.GetProperty("completionId").GetInt32() == 0 && v.GetProperty("passed").GetBoolean());
        Assert.Contains(verdicts, v => v.GetProperty("completionId").GetInt32() == 1 && !v.GetProperty("passed").GetBoolean());
        var summary = lines[2];
        Assert.Equal("summary", summary.GetProperty("type").GetString());
        Assert.Equal(0.5, summary.GetProperty("summary").GetProperty("passAtK").GetProperty("pass@1").GetDouble(), 3);
    }

    [Fact]
    public async Task Evaluation_ParallelismAboveTheQuota_Is403()
    {
        using var c = Host.Client(Host.AliceKey);
        var json = Batch.Replace("\"k\": [1]", "\"k\": [1], \"parallelism\": 99", StringComparison.Ordinal);
        using var r = await c.PostAsync("/v1/evaluations", WardenTestHost.Json(json));
        var e = await Http.ErrorAsync(r, HttpStatusCode.Forbidden, "quota-exceeded");
        Assert.Equal("parallelism", e.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Evaluation_SampleForAnUnknownTask_IsReported()
    {
        using var c = Host.Client(Host.AliceKey);
        var json = Batch.Replace("{\"taskId\": \"t/0\", \"completion\": \"    return a - b\\n\"}", "{\"taskId\": \"t/9\", \"completion\": \"x\"}", StringComparison.Ordinal);
        using var r = await c.PostAsync("/v1/evaluations", WardenTestHost.Json(json));
        var text = await r.Content.ReadAsStringAsync();
        Assert.Contains("samples[1].task_id", text);
    }
}
