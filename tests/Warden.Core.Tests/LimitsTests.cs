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

    [Fact]
    public void FirstAbove_NamesTheFieldItsValueAndTheCeiling()
    {
        var quota = new Limits { MemoryMb = 256, Cpus = 0.5 };
        Assert.Null(quota.FirstAbove(quota));
        var above = new Limits { MemoryMb = 256, Cpus = 0.75 }.FirstAbove(quota);
        Assert.Equal(new LimitExcess("limits.cpus", "0.75", "0.5"), above);
        Assert.Equal("limits.cpus is 0.75, above this key's quota of 0.5.", above!.Message("this key's quota"));
        Assert.Equal("limits.openFiles", new Limits { MemoryMb = 256, Cpus = 0.5, OpenFiles = 257 }.FirstAbove(quota)!.Field);
    }

    [Fact]
    public void Problems_ListsEveryFieldOutOfBounds_NamedAsInConfiguration()
    {
        var problems = LimitsRequest.Problems(new Limits { MemoryMb = 8, Pids = 0, Cpus = double.NaN });
        Assert.Equal(["MemoryMb must be between 16 and 65536; got 8", "Pids must be between 4 and 16384; got 0", "Cpus must be between 0.05 and 256; got NaN"],
            problems.Select(p => p.ToString()));
        Assert.Empty(LimitsRequest.Problems(Limits.Default));
    }

    [Fact]
    public void ToRequest_ResolvesBackToTheSameLimits_WhateverTheBase()
    {
        var l = new Limits { TimeoutMs = 1234, MemoryMb = 99, Pids = 7, Cpus = 0.25, OutputBytes = 4096, DiskMb = 3, OpenFiles = 17 };
        Assert.Equal(l, l.ToRequest().Resolve(LimitsRequest.Bounds.Highest));
    }
}
