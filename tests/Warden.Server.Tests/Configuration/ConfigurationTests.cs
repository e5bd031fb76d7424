using Warden.Server.Configuration;

namespace Warden.Server.Tests.Configuration;

public sealed class ConfigurationTests
{
    private static WardenServerOptions Bind(params (string Key, string? Value)[] pairs) =>
        ServerConfiguration.Bind(ServerConfiguration.Build(null, pairs.ToDictionary(p => p.Key, p => p.Value), useEnvironment: false));

    [Theory]
    [InlineData("Server:Urlz")]
    [InlineData("Limits:MemoryMegabytes")]
    [InlineData("Quotas:User:RequestsPerHour")]
    [InlineData("Quotas:Superuser:RequestsPerMinute")]
    [InlineData("Auditing:KeepCode")]
    [InlineData("UnixSocket:AllowedUids:first")]
    [InlineData("Engine:UnsafeNoIsolation")]
    public void UnknownKey_IsAnErrorNamingIt(string key)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Bind((key, "1")));
        Assert.Contains(key, ex.Message);
    }

    [Theory]
    [InlineData("Server:MaxConcurrentRuns", "many")]
    [InlineData("Audit:KeepCode", "sometimes")]
    public void ValueOfTheWrongType_IsAnError(string key, string value) =>
        Assert.Throws<ConfigurationException>(() => Bind((key, value)));

    [Theory]
    [InlineData("Server:Urls", "http://example.com:80", "Server:Urls")]
    [InlineData("Server:Urls", "https://127.0.0.1:8443", "TlsCertificatePath")]
    [InlineData("Limits:MemoryMb", "5", "Limits:MemoryMb")]
    [InlineData("Quotas:User:MaxLimits:TimeoutMs", "1000", "Quotas:User:MaxLimits")]
    [InlineData("Cors:Origins:0", "*", "Cors:Origins")]
    [InlineData("Auth:AnonymousRole", "admin", "Auth:AnonymousRole")]
    [InlineData("Server:MaxRequestBodyBytes", "10", "Server:MaxRequestBodyBytes")]
    public void InvalidValue_IsAnErrorNamingTheKey(string key, string value, string named)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ServerSettings.Resolve(Bind((key, value))));
        Assert.Contains(named, ex.Message);
    }

    [Fact]
    public void InvalidOptionsOfTheEngineAndSessions_AreAllNamedByTheirConfigurationKey_InOneMessage()
    {
        // The options records check their own bounds; the server names each problem by its key
        // (MaxAge of the engine is MaxAgeSeconds in configuration, DefaultIdleTtlSeconds is IdleTtlSeconds).
        var ex = Assert.Throws<ConfigurationException>(() => ServerSettings.Resolve(Bind(
            ("Engine:FastPath:Prepared", "300"), ("Engine:FastPath:MaxAgeSeconds", "0"), ("Engine:CgroupVersion", "v3"),
            ("Sessions:IdleTtlSeconds", "0"), ("Sessions:MaxUploadBytes", "10"), ("Limits:MemoryMb", "5"), ("Limits:Pids", "1"))));
        foreach (var named in new[]
        {
            "Engine:FastPath:Prepared must be between 0 and 256; got 300", "Engine:FastPath:MaxAgeSeconds must be between 1 and 86400",
            "Engine:CgroupVersion must be auto, v1 or v2", "Sessions:IdleTtlSeconds must be between 1 and 86400; got 0",
            "Sessions:MaxUploadBytes must be between 1024", "Limits:MemoryMb", "Limits:Pids",
        })
            Assert.Contains(named, ex.Message);
    }

    [Fact]
    public void ConfiguredDefaultLimits_ReachTheEngineOptions_SoTheFastPathPreparesForThem()
    {
        var s = ServerSettings.Resolve(Bind(("Limits:MemoryMb", "384"), ("Limits:DiskMb", "32")));
        Assert.Equal(s.DefaultLimits, s.Engine.DefaultLimits);
        Assert.Equal(s.DefaultLimits, s.Sessions.DefaultLimits);
        Assert.Equal(384, s.Engine.DefaultLimits.MemoryMb);
    }

    [Fact]
    public void AnonymousAccess_IsRefusedUnlessEveryAddressIsLoopback()
    {
        var ex = Assert.Throws<ConfigurationException>(() => ServerSettings.Resolve(Bind(("Auth:AnonymousLoopback", "true"), ("Server:Urls", "http://0.0.0.0:8080"))));
        Assert.Contains("AnonymousLoopback", ex.Message);
        ServerSettings.Resolve(Bind(("Auth:AnonymousLoopback", "true"), ("Server:Urls", "http://127.0.0.1:8080;http://[::1]:8080")));
    }

    [Fact]
    public void Defaults_AreSecure()
    {
        var s = ServerSettings.Resolve(Bind());
        Assert.Equal("http://127.0.0.1:8080/", s.Urls.Single().ToString());
        Assert.True(s.AllLoopback);
        Assert.False(s.Options.Auth.Basic);
        Assert.False(s.Options.Auth.AnonymousLoopback);
        Assert.Empty(s.Options.Cors.Origins);
        Assert.False(s.Options.Audit.KeepCode);
        Assert.Equal(16L << 20, s.Options.Server.MaxRequestBodyBytes);
        Assert.Equal(1L << 20, s.Options.UnixSocket.MaxRequestBodyBytes);
        Assert.Equal(new HashSet<int> { 0, Warden.Server.Hosting.Posix.EffectiveUid }, s.AllowedPeerUids);
        Assert.Equal(Warden.Policy.Limits.Default, s.DefaultLimits);
        Assert.Equal(60_000, s.QuotaOf(Warden.Server.Auth.Role.User).MaxLimits.TimeoutMs);
        Assert.Equal(0, s.QuotaOf(Warden.Server.Auth.Role.Reader).ConcurrentRuns);
    }

    [Fact]
    public void EnvironmentVariables_MapOntoTheSameSchema()
    {
        Environment.SetEnvironmentVariable("WARDEN__LIMITS__MEMORYMB", "256");
        Environment.SetEnvironmentVariable("WARDEN__QUOTAS__USER__CONCURRENTRUNS", "9");
        try
        {
            var s = ServerSettings.Resolve(ServerConfiguration.Bind(ServerConfiguration.Build(null)));
            Assert.Equal(256, s.DefaultLimits.MemoryMb);
            Assert.Equal(9, s.QuotaOf(Warden.Server.Auth.Role.User).ConcurrentRuns);
            Environment.SetEnvironmentVariable("WARDEN__LIMITS__MEMORYMBB", "1");
            Assert.Throws<ConfigurationException>(() => ServerConfiguration.Bind(ServerConfiguration.Build(null)));
        }
        finally
        {
            Environment.SetEnvironmentVariable("WARDEN__LIMITS__MEMORYMB", null);
            Environment.SetEnvironmentVariable("WARDEN__LIMITS__MEMORYMBB", null);
            Environment.SetEnvironmentVariable("WARDEN__QUOTAS__USER__CONCURRENTRUNS", null);
        }
    }

    [Fact]
    public void ConfigurationFile_IsReadAndChecked()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{"Server": {"Urls": "http://127.0.0.1:9999"}, "Logging": {"LogLevel": {"Default": "Warning"}}}""");
            Assert.Equal(9999, ServerSettings.Resolve(ServerConfiguration.Bind(ServerConfiguration.Build(file, useEnvironment: false))).Urls[0].Port);
            File.WriteAllText(file, """{"Server": {"Urls": "http://127.0.0.1:9999", "Port": 1}}""");
            Assert.Throws<ConfigurationException>(() => ServerConfiguration.Bind(ServerConfiguration.Build(file, useEnvironment: false)));
            File.WriteAllText(file, """{"Server": """);
            Assert.Throws<ConfigurationException>(() => ServerConfiguration.Build(file, useEnvironment: false));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
