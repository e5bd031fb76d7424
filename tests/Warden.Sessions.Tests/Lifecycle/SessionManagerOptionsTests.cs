using Warden.Linux.Isolation;
using Warden.Policy;

namespace Warden.Sessions.Tests.Lifecycle;

/// <summary>The session manager's options check themselves (a library user gets the server's validation).</summary>
public sealed class SessionManagerOptionsTests
{
    [Fact]
    public void Defaults_AreValid() => Assert.Empty(new SessionManagerOptions().Problems());

    [Fact]
    public void Manager_WithInvalidOptions_RefusesToBeCreated_NamingEveryProblemInOneMessage()
    {
        using var backend = new LinuxSandboxBackend();
        var options = new SessionManagerOptions { MaxSessions = 0, DefaultIdleTtlSeconds = 0, MaxUploadBytes = 10, DefaultLimits = Limits.Default with { Pids = 1 } };
        var ex = Assert.Throws<InvalidOptionsException>(() => new SessionManager(backend, options));
        Assert.Equal(["MaxSessions", "DefaultIdleTtlSeconds", "MaxUploadBytes", "DefaultLimits:Pids"], ex.Problems.Select(p => p.Property));
        Assert.Contains("MaxSessions must be between 1 and 100000; got 0", ex.Message);
    }
}
