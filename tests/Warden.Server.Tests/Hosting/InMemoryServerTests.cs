using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Warden.Server.Auth;
using Warden.Server.Configuration;
using Warden.Server.Tests.Support;

namespace Warden.Server.Tests.Hosting;

/// <summary>The same host in memory through WebApplicationFactory (no Kestrel, no socket): the pipeline alone.</summary>
[Collection(ServerCollection.Name)]
public sealed class InMemoryServerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wdn-").FullName;
    private readonly Factory _factory;

    public InMemoryServerTests()
    {
        var config = WardenTestHost.BaseConfig(_dir);
        config["UnixSocket:Enabled"] = "false";
        _factory = new Factory(ServerConfiguration.Build(null, config, useEnvironment: false));
    }

    [Fact]
    public async Task InMemory_RunsCode_WithTheSamePipeline()
    {
        using var client = _factory.CreateClient();
        var key = _factory.Services.GetRequiredService<ApiKeys>().Create(Role.User, "alice", null).Key;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        await Http.ErrorAsync(await client.GetAsync("/status"), HttpStatusCode.Unauthorized);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var r = await client.PostAsync("/v1/runs", WardenTestHost.Json("""{"language": "python", "code": "print(3)"}"""));
        Assert.Equal("3\n", (await Http.JsonAsync(r)).GetProperty("stdout").GetString());
        using var big = await client.PostAsync("/v1/runs", WardenTestHost.Json("{\"language\": \"python\", \"code\": \"" + new string('a', 17 << 20) + "\"}"));
        await Http.ErrorAsync(big, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_dir, true);
    }

    // The entry point type only needs an assembly with an entry point (the test host's); the host itself is Warden's.
    private sealed class Factory(IConfiguration configuration) : WebApplicationFactory<InMemoryServerTests>
    {
        protected override IHostBuilder CreateHostBuilder() => WardenServer.CreateHostBuilder(configuration);

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) => builder.UseContentRoot(AppContext.BaseDirectory);
    }
}
