using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Warden.LoadTest;

/// <summary>
/// What one client does: it opens a session, then sends, in turn, 5 in 10 synchronous Python
/// runs, 2 bash runs, 1 streamed (NDJSON) Python run and 2 cells in its session; it deletes its
/// session at the end. Every sandbox carries the test's marker in its environment.
/// </summary>
internal static class Workload
{
    public sealed record Sample(string Kind, int Status, double Ms, bool Ok);

    public static async Task<(Sample Sample, string? Session)> OpenSessionAsync(HttpClient client, string marker)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["language"] = "python",
            ["env"] = new Dictionary<string, string> { ["WARDEN_TEST_MARKER"] = marker },
        });
        var (sample, body) = await SendAsync(client, "session-create", HttpMethod.Post, "/v1/sessions", json, null, "\"id\"");
        return (sample, sample.Ok ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetString() : null);
    }

    public static async Task<Sample> CloseSessionAsync(HttpClient client, string session) =>
        (await SendAsync(client, "session-delete", HttpMethod.Delete, $"/v1/sessions/{session}", null, null, "closed")).Sample;

    public static async Task<Sample> RunOnceAsync(HttpClient client, int n, string marker, string? session)
    {
        var kind = (n % 10) switch { < 5 => "python", < 7 => "bash", 7 => "python-stream", _ => session is null ? "python" : "cell" };
        if (kind == "cell")
            return (await SendAsync(client, kind, HttpMethod.Post, $"/v1/sessions/{session}/execute", """{"code": "print(sum(range(1000)))"}""", null, "499500")).Sample;
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["language"] = kind == "bash" ? "bash" : "python",
            ["code"] = kind == "bash" ? "echo $((6 * 7))" : "print(sum(range(1000)))",
            ["env"] = new Dictionary<string, string> { ["WARDEN_TEST_MARKER"] = marker },
        });
        return (await SendAsync(client, kind, HttpMethod.Post, "/v1/runs", json, kind == "python-stream" ? "application/x-ndjson" : null, kind == "bash" ? "42" : "499500")).Sample;
    }

    // A request in flight when the time is up is finished (and audited); only new ones stop.
    private static async Task<(Sample Sample, string Body)> SendAsync(HttpClient client, string kind, HttpMethod method, string path, string? json, string? accept, string expect)
    {
        using var req = new HttpRequestMessage(method, path);
        if (json is not null) req.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (accept is not null) req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        var sw = Stopwatch.StartNew();
        try
        {
            using var r = await client.SendAsync(req);
            var body = await r.Content.ReadAsStringAsync();
            // A well-behaved client waits as long as a 429 says (the wait is not counted in the latency).
            if ((int)r.StatusCode == 429)
            {
                var ms = sw.Elapsed.TotalMilliseconds;
                await Task.Delay(r.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                return (new Sample(kind, 429, ms, false), body);
            }
            return (new Sample(kind, (int)r.StatusCode, sw.Elapsed.TotalMilliseconds, r.IsSuccessStatusCode && body.Contains(expect, StringComparison.Ordinal)), body);
        }
        catch (HttpRequestException)
        {
            return (new Sample(kind, 0, sw.Elapsed.TotalMilliseconds, false), "");
        }
    }
}
