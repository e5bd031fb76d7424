using System.Text;
using Warden.Sessions.Protocol;

namespace Warden.Sessions.Tests.Protocol;

/// <summary>The host's reader of kernel messages enforces the size limit while reading.</summary>
public sealed class BoundedLineReaderTests
{
    /// <summary>A stream that returns its data a few bytes at a time.</summary>
    private sealed class Trickle(byte[] data, int step) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(step, buffer.Length)], cancellationToken);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100_000)]
    public async Task Lines_SplitAcrossReads_AreReassembled(int step)
    {
        var big = new string('b', 150_000);
        var reader = new BoundedLineReader(new Trickle(Encoding.UTF8.GetBytes($"one\n\n{big}\nlast\n"), step), 1 << 20);
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line) lines.Add(Encoding.UTF8.GetString(line.Span));
        Assert.Equal(new[] { "one", "", big, "last" }, lines);
    }

    [Fact]
    public async Task ALineLongerThanTheLimit_IsRefusedBeforeItIsReadWhole()
    {
        var stream = new Trickle(new byte[10 << 20], 64 * 1024);
        var reader = new BoundedLineReader(stream, 256 * 1024);
        await Assert.ThrowsAsync<KernelProtocolException>(async () => await reader.ReadLineAsync());
        Assert.True(stream.Position <= 512 * 1024, $"read {stream.Position} bytes before refusing");
    }

    [Fact]
    public async Task AStreamEndingInsideAMessage_IsAProtocolError()
    {
        var reader = new BoundedLineReader(new MemoryStream("{\"type\":\"ok\"}\n{\"type\""u8.ToArray()), 1024);
        Assert.NotNull(await reader.ReadLineAsync());
        await Assert.ThrowsAsync<KernelProtocolException>(async () => await reader.ReadLineAsync());
    }
}
