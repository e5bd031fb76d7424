using System.Net;
using System.Net.Http.Headers;
using Warden.Server.Tests.Support;

namespace Warden.Server.Tests.Quotas;

[Collection(ServerCollection.Name)]
public sealed class SessionQuotaTests
{
    [Fact]
    public async Task LiveSessions_PastTheQuota_Are429_AndUploadsPastTheLimit_Are413()
    {
        await using var host = await WardenTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Quotas:User:LiveSessions"] = "1",
            ["Sessions:MaxUploadBytes"] = "4096",
        });
        using var alice = host.Client(host.AliceKey);
        using var first = await alice.PostAsync("/v1/sessions", WardenTestHost.Json("""{"language": "python"}"""));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (await Http.JsonAsync(first)).GetProperty("id").GetString();
        await Http.ErrorAsync(await alice.PostAsync("/v1/sessions", WardenTestHost.Json("""{"language": "python"}""")), HttpStatusCode.TooManyRequests, "too-many-sessions");
        using var bob = host.Client(host.BobKey);
        using var bobs = await bob.PostAsync("/v1/sessions", WardenTestHost.Json("""{"language": "python"}"""));
        Assert.Equal(HttpStatusCode.Created, bobs.StatusCode);

        using var big = new ByteArrayContent(new byte[8192]);
        big.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await Http.ErrorAsync(await alice.PutAsync($"/v1/sessions/{id}/files/big.bin", big), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");

        Assert.Equal(HttpStatusCode.OK, (await alice.DeleteAsync($"/v1/sessions/{id}")).StatusCode);
        using var again = await alice.PostAsync("/v1/sessions", WardenTestHost.Json("""{"language": "python"}"""));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }
}
