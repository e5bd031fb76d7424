using System.Text;
using Warden.Linux.Isolation;

namespace Warden.Linux.Tests.Isolation;

public sealed class StatusChannelTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Parse_ExitWithRusage()
    {
        var r = StatusChannel.Parse(B("S 3\nX 7 1500 500 9000\nD\n"));
        Assert.True(r.Started);
        Assert.Equal(7, r.ExitCode);
        Assert.Null(r.Signal);
        Assert.Equal(2.0, r.CpuMs);
        Assert.Equal(9000, r.MaxRssKb);
        Assert.True(r.Complete);
    }

    [Fact]
    public void Parse_FullTmpfsReport_IsDiskFull()
    {
        Assert.True(StatusChannel.Parse(B("S 3\nU\nX 0 0 0 100\nD\n")).DiskFull);
        Assert.False(StatusChannel.Parse(B("S 3\nX 0 0 0 100\nD\n")).DiskFull);
    }

    [Fact]
    public void Parse_Signal()
    {
        var r = StatusChannel.Parse(B("S 3\nK 11 0 0 100\nD\n"));
        Assert.Equal(11, r.Signal);
        Assert.Null(r.ExitCode);
    }

    [Fact]
    public void Parse_ExecFailure_IsNotStarted()
    {
        var r = StatusChannel.Parse(B("E 2\n"));
        Assert.False(r.Started);
        Assert.Equal(2, r.ExecErrno);
    }

    [Fact]
    public void Parse_FilesWithBinaryContentAndSkips()
    {
        var data = new MemoryStream();
        data.Write(B("S 3\nX 0 0 0 0\nF 4 7\nout.bin"));
        data.Write([0, 10, 255, 70]);
        data.Write(B("T 99999999 7\nbig.bin"));
        data.Write(B("D\n"));
        var r = StatusChannel.Parse(data.ToArray());
        Assert.Equal(2, r.Files.Count);
        Assert.Equal("out.bin", r.Files[0].Path);
        Assert.Equal(new byte[] { 0, 10, 255, 70 }, r.Files[0].Content);
        Assert.Equal("too-large", r.Files[1].Skipped);
        Assert.Null(r.Files[1].Content);
        Assert.True(r.Complete);
    }

    [Theory]
    [InlineData("S 3\nX 0 0 0 0\nF 100 3\nabc")]   // announced more bytes than arrived
    [InlineData("S 3\nX 0 0 0 0\nF -1 3\nabc")]
    [InlineData("S 3\nX 0 0 0 0\nF 1 999999\nabc")]
    [InlineData("S 3\nX 0")]                          // torn line
    public void Parse_TornOrHostileTail_IsIgnoredWithoutThrowing(string text)
    {
        var r = StatusChannel.Parse(B(text));
        Assert.True(r.Started);
        Assert.Empty(r.Files);
        Assert.False(r.Complete);
    }
}
