using Warden.Policy;

namespace Warden.Core.Tests;

public sealed class LimitsTests
{
    [Fact]
    public void Default_IsTheSecureDefaultOfTheDesign()
    {
        var d = Limits.Default;
        Assert.Equal(30_000, d.TimeoutMs);
        Assert.Equal(512, d.MemoryMb);
        Assert.Equal(64, d.Pids);
        Assert.Equal(1.0, d.Cpus);
        Assert.Equal(1 << 20, d.OutputBytes);
        Assert.Equal(64, d.DiskMb);
    }

    [Fact]
    public void Resolve_EmptyRequest_GivesTheBase()
    {
        var b = new Limits { MemoryMb = 128 };
        Assert.Equal(b, new LimitsRequest().Resolve(b));
    }

    [Fact]
    public void Resolve_OverridesOnlyWhatIsGiven()
    {
        var r = new LimitsRequest { TimeoutMs = 5_000, Cpus = 0.5 }.Resolve();
        Assert.Equal(5_000, r.TimeoutMs);
        Assert.Equal(0.5, r.Cpus);
        Assert.Equal(512, r.MemoryMb);
    }

    public static TheoryData<LimitsRequest, string> OutOfBounds => new()
    {
        { new LimitsRequest { TimeoutMs = 0 }, "limits.timeoutMs" },
        { new LimitsRequest { TimeoutMs = -1 }, "limits.timeoutMs" },
        { new LimitsRequest { TimeoutMs = 3_600_001 }, "limits.timeoutMs" },
        { new LimitsRequest { MemoryMb = -512 }, "limits.memoryMb" },
        { new LimitsRequest { MemoryMb = 8 }, "limits.memoryMb" },
        { new LimitsRequest { Pids = 0 }, "limits.pids" },
        { new LimitsRequest { Pids = int.MaxValue }, "limits.pids" },
        { new LimitsRequest { Cpus = 0 }, "limits.cpus" },
        { new LimitsRequest { Cpus = double.NaN }, "limits.cpus" },
        { new LimitsRequest { Cpus = double.PositiveInfinity }, "limits.cpus" },
        { new LimitsRequest { OutputBytes = -1 }, "limits.outputBytes" },
        { new LimitsRequest { DiskMb = 0 }, "limits.diskMb" },
        { new LimitsRequest { OpenFiles = 3 }, "limits.openFiles" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public void Resolve_OutOfBounds_NamesTheField(LimitsRequest request, string field)
    {
        var ex = Assert.Throws<InvalidRequestException>(() => request.Resolve());
        Assert.Equal(field, ex.Field);
        Assert.Contains(field, ex.Message);
        Assert.Equal("invalid-request", ex.Code);
    }

    [Fact]
    public void FitsWithin_ComparesEveryField()
    {
        var quota = new Limits { MemoryMb = 256, TimeoutMs = 10_000 };
        Assert.True(new Limits { MemoryMb = 256, TimeoutMs = 10_000 }.FitsWithin(quota));
        Assert.False(new Limits { MemoryMb = 257, TimeoutMs = 10_000 }.FitsWithin(quota));
        Assert.False(new Limits { MemoryMb = 256, TimeoutMs = 10_000, Pids = 65 }.FitsWithin(quota));
    }
}
