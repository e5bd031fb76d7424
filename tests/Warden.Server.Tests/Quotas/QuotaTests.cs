using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Warden.Server.Tests.Support;
using Warden.TestSupport;

namespace Warden.Server.Tests.Quotas;

[Collection(ServerCollection.Name)]
public sealed class QuotaTests
{
    [Fact]
    public async Task RequestRate_PastTheQuota_Is429WithRetryAfter_PerPrincipalNotPerConnection()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?> { ["Quotas:User:RequestsPerMinute"] = "5" });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 8; i++)
        {
            // A new client (so a new connection) every time: the limit follows the key, not the connection.
            using var c = host.Client(host.AliceKey);
            var r = await c.GetAsync("/status");
            statuses.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests) limited ??= r;
        }
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.NotNull(limited);
        await Http.ErrorAsync(limited, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

        // Another principal is not affected; nor is the same owner's other role (its own partition).
        using var bob = host.Client(host.BobKey);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/status")).StatusCode);
        using var reader = host.Client(host.AliceReaderKey);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/status")).StatusCode);
        // Over the Unix socket the same key is still limited.
        using var sock = host.SocketClient(host.AliceKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await sock.GetAsync("/status")).StatusCode);
    }

    [Fact]
    public async Task UnauthenticatedRequests_AreRateLimitedPerAddress()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?> { ["Auth:UnauthenticatedRequestsPerMinute"] = "3" });
        using var c = host.Client("wdn_0123456789_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) statuses.Add((await c.GetAsync("/status")).StatusCode);
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        using var anon = host.Client();
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task ConcurrentRuns_PastTheQuota_Are429_AndTheSlotIsFreedAfterwards()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?> { ["Quotas:User:ConcurrentRuns"] = "1" });
        var marker = Guid.NewGuid().ToString("N");
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["language"] = "bash",
            ["code"] = "echo up; sleep 30",
            ["env"] = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
        });
        using var c = host.Client(host.AliceKey);
        using (var req = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = WardenTestHost.Json(json) })
        {
            req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
            using var running = await c.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await running.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line && !line.Contains("up", StringComparison.Ordinal)) { }

            using var second = host.Client(host.AliceKey);
            using var r = await second.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "bash", "code": "echo 1"}"""));
            await Http.ErrorAsync(r, HttpStatusCode.TooManyRequests, "too-many-runs");
            Assert.True(r.Headers.Contains("Retry-After"));
            using var bob = host.Client(host.BobKey);
            Assert.Equal(HttpStatusCode.OK, (await bob.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "bash", "code": "echo 1"}"""))).StatusCode);
        }
        await Eventually.TrueAsync(() => Leftovers.ProcessesWithMarker(marker).Count == 0, TimeSpan.FromSeconds(10), "the first run outlived its client");
        using var again = host.Client(host.AliceKey);
        await Eventually.TrueAsync(() =>
            again.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "bash", "code": "echo 1"}""")).GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "the slot was never freed");
    }
}
