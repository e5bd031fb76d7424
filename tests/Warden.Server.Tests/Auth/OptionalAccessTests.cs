using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Warden.Server.Tests.Support;

namespace Warden.Server.Tests.Auth;

/// <summary>What is off by default and can be turned on: HTTP Basic, anonymous loopback development, CORS origins.</summary>
[Collection(ServerCollection.Name)]
public sealed class OptionalAccessTests
{
    [Fact]
    public async Task Basic_WhenEnabled_TakesTheKeyAsThePassword()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?> { ["Auth:Basic"] = "true" });
        using var c = host.Client();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + host.AliceKey)));
        var me = await Http.JsonAsync(await c.GetAsync("/v1/me"));
        Assert.Equal("alice", me.GetProperty("owner").GetString());

        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:password")));
        using var r = await c.GetAsync("/v1/me");
        await Http.ErrorAsync(r, HttpStatusCode.Unauthorized);
        Assert.Contains(r.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "%%%not-base64");
        await Http.ErrorAsync(await c.GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnonymousLoopback_WhenEnabled_ActsAsAUserOnLoopbackTcpOnly()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?> { ["Auth:AnonymousLoopback"] = "true" });
        using var c = host.Client();
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "print(1)"}"""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await Http.ErrorAsync(await c.GetAsync("/v1/keys"), HttpStatusCode.Forbidden);
        using var sock = host.SocketClient();
        await Http.ErrorAsync(await sock.GetAsync("/status"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Cors_ConfiguredOrigin_IsAllowed_OthersAreNot()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?> { ["Cors:Origins:0"] = "https://app.example.com" });
        using var c = host.Client();
        foreach (var (origin, allowed) in new[] { ("https://app.example.com", true), ("https://evil.example", false) })
        {
            using var pre = new HttpRequestMessage(HttpMethod.Options, "/v1/runs");
            pre.Headers.Add("Origin", origin);
            pre.Headers.Add("Access-Control-Request-Method", "POST");
            pre.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            using var r = await c.SendAsync(pre);
            Assert.Equal(allowed, r.Headers.TryGetValues("Access-Control-Allow-Origin", out var v) && v.Single() == origin);
            Assert.False(r.Headers.Contains("Access-Control-Allow-Credentials"));
        }
    }
}
