using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Warden.Server.Tests.Support;

namespace Warden.Server.Tests.Auth;

[Collection(ServerCollection.Name)]
public sealed class AuthenticationTests(SharedServer server)
{
    private WardenTestHost Host => server.Host;

    [Theory]
    [InlineData("GET", "/status")]
    [InlineData("GET", "/v1/languages")]
    [InlineData("GET", "/v1/me")]
    [InlineData("POST", "/v1/runs")]
    [InlineData("POST", "/v1/evaluations")]
    [InlineData("GET", "/v1/keys")]
    [InlineData("GET", "/v1/audit")]
    [InlineData("GET", "/openapi/v1.json")]
    [InlineData("GET", "/v1/no-such-thing")]
    public async Task Endpoint_WithoutKey_Is401WithBearerChallenge(string method, string path)
    {
        using var c = Host.Client();
        using var r = await c.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? WardenTestHost.Json("{}") : null });
        await Http.ErrorAsync(r, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains(r.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Healthz_NeedsNoKey()
    {
        using var c = Host.Client();
        using var r = await c.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("ok", (await Http.JsonAsync(r)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("wdn_0123456789_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("wdn_")]
    [InlineData("not-a-key")]
    [InlineData("wdn_0123456789_short")]
    [InlineData("Bearer wdn_0123456789_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task UnknownOrMalformedKey_Is401(string key)
    {
        using var c = Host.Client();
        using var req = new HttpRequestMessage(HttpMethod.Get, "/status");
        req.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        using var r = await c.SendAsync(req);
        await Http.ErrorAsync(r, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task AuthorizationHeaderWithNul_IsRejectedBeforeAuthentication()
    {
        using var c = Host.Client();
        using var req = new HttpRequestMessage(HttpMethod.Get, "/status");
        req.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Host.AliceKey + "\u0000");
        using var r = await c.SendAsync(req);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    [Fact]
    public async Task KeyWithOneSecretCharacterChanged_Is401()
    {
        var k = Host.AliceKey;
        var wrong = k[..^1] + (k[^1] == 'A' ? 'B' : 'A');
        using var c = Host.Client(wrong);
        using var r = await c.GetAsync("/status");
        await Http.ErrorAsync(r, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Basic_WhenNotEnabled_Is401()
    {
        using var c = Host.Client();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Host.AliceKey)));
        using var r = await c.GetAsync("/status");
        await Http.ErrorAsync(r, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Status_AnswersAMessage()
    {
        using var c = Host.Client(Host.AliceReaderKey);
        using var r = await c.GetAsync("/status");
        var body = await Http.JsonAsync(r);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Me_TellsTheKeysOwnerRoleAndQuota()
    {
        using var c = Host.Client(Host.AliceReaderKey);
        var body = await Http.JsonAsync(await c.GetAsync("/v1/me"));
        Assert.Equal("alice", body.GetProperty("owner").GetString());
        Assert.Equal("reader", body.GetProperty("role").GetString());
        Assert.Equal(0, body.GetProperty("quota").GetProperty("concurrentRuns").GetInt32());
    }
}
