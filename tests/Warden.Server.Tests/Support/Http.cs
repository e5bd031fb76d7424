using System.Net;
using System.Text.Json;

namespace Warden.Server.Tests.Support;

/// <summary>Assertions on responses.</summary>
public static class Http
{
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"not JSON ({(int)r.StatusCode}): {text}");
        }
    }

    /// <summary>Asserts the status and the error shape; returns the error object.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage r, HttpStatusCode status, string? code = null)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == status, $"expected {(int)status}, got {(int)r.StatusCode}: {body}");
        Assert.StartsWith("application/json", r.Content.Headers.ContentType?.ToString());
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var names = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["error"], names);
        var error = root.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("code").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        if (code is not null) Assert.Equal(code, error.GetProperty("code").GetString());
        AssertSafe(body);
        return error.Clone();
    }

    /// <summary>No stack trace, no .NET type name, no host path in what a remote caller reads.</summary>
    public static void AssertSafe(string body)
    {
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain("Warden.", body);
        Assert.DoesNotContain("System.", body);
        Assert.DoesNotContain("/tmp/", body);
        Assert.DoesNotContain("/work/", body);
        Assert.DoesNotContain("/var/lib", body);
        Assert.DoesNotContain("/usr/", body);
    }
}
