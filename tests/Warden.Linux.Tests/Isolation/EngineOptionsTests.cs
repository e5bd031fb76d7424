using Warden.Linux.FastPath;
using Warden.Linux.Isolation;
using Warden.Policy;

namespace Warden.Linux.Tests.Isolation;

/// <summary>The engine's options check themselves, so a library user gets the same validation as the server.</summary>
public sealed class EngineOptionsTests
{
    [Fact]
    public void Defaults_AreValid() => Assert.Empty(new EngineOptions().Problems());

    [Fact]
    public void Backend_WithInvalidOptions_RefusesToBeCreated_NamingEveryProblemInOneMessage()
    {
        var options = new EngineOptions
        {
            CgroupVersion = "v3",
            DefaultLimits = Limits.Default with { MemoryMb = 8 },
            FastPath = new ZygoteOptions { Prepared = 300, MaxAge = TimeSpan.Zero, RefillConcurrency = 0 },
        };
        var ex = Assert.Throws<InvalidOptionsException>(() => new LinuxSandboxBackend(options));
        Assert.Equal("invalid-options", ex.Code);
        Assert.Equal(["CgroupVersion", "DefaultLimits:MemoryMb", "FastPath:Prepared", "FastPath:RefillConcurrency", "FastPath:MaxAge"],
            ex.Problems.Select(p => p.Property));
        foreach (var p in ex.Problems) Assert.Contains(p.ToString(), ex.Message);
    }
}
