using System.Net;
using Warden.Server.Tests.Support;

namespace Warden.Server.Tests.Auth;

[Collection(ServerCollection.Name)]
public sealed class RoleTests(SharedServer server)
{
    private WardenTestHost Host => server.Host;

    [Fact]
    public async Task Reader_CannotRun()
    {
        using var c = Host.Client(Host.AliceReaderKey);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "print(1)"}"""));
        await Http.ErrorAsync(r, HttpStatusCode.Forbidden, "forbidden");
        using var e = await c.PostAsync("/v1/evaluations", WardenTestHost.Json("""{"problems": [], "samples": []}"""));
        await Http.ErrorAsync(e, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("GET", "/v1/keys")]
    [InlineData("POST", "/v1/keys")]
    [InlineData("GET", "/v1/keys/0123456789")]
    [InlineData("DELETE", "/v1/keys/0123456789")]
    [InlineData("GET", "/v1/audit")]
    public async Task User_CannotAdministerKeysOrReadTheAudit(string method, string path)
    {
        foreach (var key in new[] { Host.AliceKey, Host.AliceReaderKey })
        {
            using var c = Host.Client(key);
            using var r = await c.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? WardenTestHost.Json("""{"role": "admin"}""") : null });
            await Http.ErrorAsync(r, HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task Admin_CreatesAKey_ThatWorksAtOnce_AndIsNeverShownAgain()
    {
        using var admin = Host.Client(Host.AdminKey);
        using var r = await admin.PostAsync("/v1/keys", WardenTestHost.Json("""{"role": "user", "owner": "carol", "name": "ci"}"""));
        var created = await Http.JsonAsync(r);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("wdn_" + id + "_", key);
        Assert.Equal("/v1/keys/" + id, r.Headers.Location?.ToString());

        using var carol = Host.Client(key);
        var me = await Http.JsonAsync(await carol.GetAsync("/v1/me"));
        Assert.Equal("carol", me.GetProperty("owner").GetString());

        var list = await (await admin.GetAsync("/v1/keys")).Content.ReadAsStringAsync();
        Assert.Contains(id, list);
        Assert.DoesNotContain(key, list);
        Assert.DoesNotContain(key[(5 + id.Length)..], list);
        var one = await (await admin.GetAsync("/v1/keys/" + id)).Content.ReadAsStringAsync();
        Assert.DoesNotContain(key, one);
    }

    [Fact]
    public async Task Admin_RevokesAKey_AndItStopsWorkingAtOnce()
    {
        using var admin = Host.Client(Host.AdminKey);
        var created = await Http.JsonAsync(await admin.PostAsync("/v1/keys", WardenTestHost.Json("""{"role": "user"}""")));
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("id").GetString()!;
        using var k = Host.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await k.GetAsync("/status")).StatusCode);

        using var del = await admin.DeleteAsync("/v1/keys/" + id);
        Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        await Http.ErrorAsync(await k.GetAsync("/status"), HttpStatusCode.Unauthorized);
        await Http.ErrorAsync(await admin.DeleteAsync("/v1/keys/" + id), HttpStatusCode.NotFound, "not-found");
        var info = await Http.JsonAsync(await admin.GetAsync("/v1/keys/" + id));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, info.GetProperty("revokedAt").ValueKind);
    }

    [Theory]
    [InlineData("""{"role": "root"}""", "role")]
    [InlineData("""{"role": "user", "owner": "a b"}""", "owner")]
    [InlineData("""{"role": "user", "owner": "../../etc"}""", "owner")]
    [InlineData("""{"role": "user", "scopes": ["x"]}""", "scopes")]
    [InlineData("""{}""", "role")]
    public async Task Admin_CreateKey_WithBadFields_Is400NamingTheField(string json, string field)
    {
        using var admin = Host.Client(Host.AdminKey);
        using var r = await admin.PostAsync("/v1/keys", WardenTestHost.Json(json));
        var e = await Http.ErrorAsync(r, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(field, e.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Admin_GetUnknownKey_Is404()
    {
        using var admin = Host.Client(Host.AdminKey);
        await Http.ErrorAsync(await admin.GetAsync("/v1/keys/ffffffffff"), HttpStatusCode.NotFound, "not-found");
    }
}
