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

    [Theory]
    [InlineData("Q 4096\n")]
    [InlineData("Q -9\n")]
    [InlineData("Q 256\n")]
    [InlineData("Q +5\n")]
    [InlineData("Q 0x10\n")]
    [InlineData("Q 99999999999\n")]
    [InlineData("X 4096 0 0 0\nK 0 0 0 0\nK 65 0 0 0\nE 0\nE -1\n")]
    public void Parse_ForgedRecordsOutOfRange_AreDropped(string text)
    {
        var r = StatusChannel.Parse(B(text));
        Assert.Null(r.QuitCode);
        Assert.Null(r.ExitCode);
        Assert.Null(r.Signal);
        Assert.Null(r.ExecErrno);
    }

    [Fact]
    public void Parse_RecordsInRange_AreKept()
    {
        var r = StatusChannel.Parse(B("Q 255\nX 0 -5 -5 -1\nK 64 0 0 0\nE 4095\n"));
        Assert.Equal(255, r.QuitCode);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(0.0, r.CpuMs);
        Assert.Equal(0, r.MaxRssKb);
        Assert.Equal(64, r.Signal);
        Assert.Equal(4095, r.ExecErrno);
    }

    [Theory]
    [InlineData("../../etc/pwn")]
    [InlineData("/etc/evil")]
    [InlineData("../../../x/y")]
    [InlineData("a/../../b")]
    [InlineData("./c")]
    [InlineData("d//e")]
    [InlineData("f/")]
    [InlineData("g\\h")]
    [InlineData("bad\u0001name")]
    public void Parse_FileNamesOutsideTheWorkspaceRules_AreDropped(string name)
    {
        var data = new MemoryStream();
        var path = B(name);
        data.Write(B($"F 6 {path.Length}\n"));
        data.Write(path);
        data.Write(B("PWNED!"));
        data.Write(B($"T 6 {path.Length}\n"));
        data.Write(path);
        data.Write(B("F 2 6\nok.txtok"));
        var r = StatusChannel.Parse(data.ToArray());
        var file = Assert.Single(r.Files);
        Assert.Equal("ok.txt", file.Path);
    }

    [Fact]
    public void Parse_FileNamedTwice_KeepsTheLastRecord()
    {
        var r = StatusChannel.Parse(B("F 4 5\na.txtfakeF 4 5\na.txtreal"));
        var file = Assert.Single(r.Files);
        Assert.Equal("real", Encoding.UTF8.GetString(file.Content!));
    }
}
