using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warden.Server.Tests.Support;

namespace Warden.Server.Tests.Api;

[Collection(ServerCollection.Name)]
public sealed class SystemEndpointTests(SharedServer server)
{
    private WardenTestHost Host => server.Host;

    [Fact]
    public async Task Languages_ListsAvailabilityWithoutHostPaths()
    {
        using var c = Host.Client(Host.AliceKey);
        using var r = await c.GetAsync("/v1/languages");
        var text = await r.Content.ReadAsStringAsync();
        var list = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
        Assert.Contains(list, l => l.GetProperty("id").GetString() == "python" && l.GetProperty("available").GetBoolean());
        Assert.DoesNotContain("/usr/", text);
        Assert.DoesNotContain("/root/", text);
    }

    [Theory]
    [InlineData("/healthz", null)]
    [InlineData("/status", "alice")]
    [InlineData("/status", null)]
    [InlineData("/v1/nothing-here", "alice")]
    [InlineData("/v1/keys", "alice")]
    [InlineData("/v1/languages", "alice")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path, string? who)
    {
        using var c = Host.Client(who is null ? null : Host.AliceKey);
        using var r = await c.GetAsync(path);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'", r.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", r.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", r.Headers.GetValues("X-Frame-Options").Single());
        Assert.False(r.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Cors_IsClosedByDefault()
    {
        using var c = Host.Client();
        using var pre = new HttpRequestMessage(HttpMethod.Options, "/v1/runs");
        pre.Headers.Add("Origin", "https://evil.example");
        pre.Headers.Add("Access-Control-Request-Method", "POST");
        pre.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var r = await c.SendAsync(pre);
        Assert.False(r.Headers.Contains("Access-Control-Allow-Origin"));
        using var get = new HttpRequestMessage(HttpMethod.Get, "/status");
        get.Headers.Add("Origin", "https://evil.example");
        get.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Host.AliceKey);
        using var r2 = await c.SendAsync(get);
        Assert.False(r2.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task OpenApi_DocumentsEveryEndpoint_AndNothingElse()
    {
        using var c = Host.Client(Host.AliceReaderKey);
        using var r = await c.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        var documented = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => m.Name.ToUpperInvariant() + " " + p.Name))
            .ToHashSet();
        var mapped = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/openapi", StringComparison.Ordinal) != true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => m + " " + Normalize(e.RoutePattern.RawText!)))
            .ToHashSet();
        Assert.Equal(mapped.Order(), documented.Order());
        Assert.Contains("POST /v1/runs", documented);
        Assert.True(doc.GetProperty("components").GetProperty("schemas").TryGetProperty("RunRequest", out _));
    }

    [Fact]
    public async Task OpenApi_DocumentsLimitsReachedAndAnOptionalLanguage()
    {
        using var c = Host.Client(Host.AliceReaderKey);
        using var r = await c.GetAsync("/openapi/v1.json");
        var schemas = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("components").GetProperty("schemas");
        var result = schemas.GetProperty("RunResult").GetProperty("properties");
        var limits = result.GetProperty("limitsReached");
        Assert.Contains("nr_throttled", limits.GetProperty("description").GetString());
        Assert.Equal(["timeout", "memory", "pids", "output", "disk", "cpu-throttled"], limits.GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(["request", "shebang", "filename", "content"], result.GetProperty("languageSource").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!));
        var request = schemas.GetProperty("RunRequest");
        Assert.Contains("auto", request.GetProperty("properties").GetProperty("language").GetProperty("description").GetString());
        Assert.True(!request.TryGetProperty("required", out var required) || required.EnumerateArray().All(e => e.GetString() != "language"));
    }

    private static string Normalize(string route) => "/" + route.TrimStart('/').TrimEnd('/').Replace("{**", "{", StringComparison.Ordinal).Replace("{*", "{", StringComparison.Ordinal);
}
