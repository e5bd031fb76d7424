using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Warden.LoadTest;

/// <summary>One request of the mix: 7 in 10 synchronous Python runs, 2 bash runs, 1 streamed (NDJSON) Python run.</summary>
internal static class Workload
{
    public sealed record Sample(string Kind, int Status, double Ms, bool Ok);

    public static async Task<Sample> RunOnceAsync(HttpClient client, int n, string marker)
    {
        var kind = (n % 10) switch { < 7 => "python", < 9 => "bash", _ => "python-stream" };
        var code = kind == "bash" ? "echo $((6 * 7))" : "print(sum(range(1000)))";
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["language"] = kind == "bash" ? "bash" : "python",
            ["code"] = code,
            ["env"] = new Dictionary<string, string> { ["WARDEN_TEST_MARKER"] = marker },
        });
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (kind == "python-stream") req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
        var sw = Stopwatch.StartNew();
        try
        {
            // A request in flight when the time is up is finished (and audited); only new ones stop.
            using var r = await client.SendAsync(req);
            var body = await r.Content.ReadAsStringAsync();
            var ok = r.IsSuccessStatusCode && body.Contains(kind == "bash" ? "42" : "499500", StringComparison.Ordinal);
            return new Sample(kind, (int)r.StatusCode, sw.Elapsed.TotalMilliseconds, ok);
        }
        catch (HttpRequestException)
        {
            return new Sample(kind, 0, sw.Elapsed.TotalMilliseconds, false);
        }
    }
}
