using Warden.Sessions.Protocol;

namespace Warden.Sessions;

/// <summary>
/// A read-only stream over a file opened inside the sandbox: each read pulls one bounded chunk
/// (256 KiB) from the kernel. It never yields more than its limit, whatever the kernel sends.
/// </summary>
internal sealed class KernelFileStream(KernelConnection conn, string handle, long maxBytes, IDisposable activity, Func<Exception, Exception> translate) : Stream
{
    private const int ChunkBytes = 256 * 1024;
    private byte[] _chunk = [];
    private int _offset;
    private long _total;
    private bool _eof;
    private int _disposed;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _total; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (buffer.Length == 0) return 0;
        if (_offset == _chunk.Length)
        {
            if (_eof) return 0;
            await FetchAsync(cancellationToken).ConfigureAwait(false);
            if (_offset == _chunk.Length) return 0;
        }
        var n = Math.Min(buffer.Length, _chunk.Length - _offset);
        _chunk.AsMemory(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        using var op = conn.Begin();
        KernelMessage reply;
        try
        {
            await conn.SendAsync(new KernelRequest { Op = "read", Id = op.Id, Target = handle, Length = ChunkBytes }, cancellationToken).ConfigureAwait(false);
            reply = await op.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KernelGoneException or KernelRestartedException)
        {
            throw translate(ex);
        }
        if (reply.Type != "chunk" || reply.B64 is not { } b64 || b64.Length > (ChunkBytes / 3 + 1) * 4)
            throw new IOException("The download failed inside the sandbox.");
        var bytes = new byte[b64.Length / 4 * 3];
        if (!Convert.TryFromBase64String(b64, bytes, out var n)) throw new IOException("The kernel sent a malformed chunk.");
        _total += n;
        if (_total > maxBytes) throw new IOException("The file grew past the download limit while it was read.");
        _chunk = n == bytes.Length ? bytes : bytes[..n];
        _offset = 0;
        _eof = reply.Eof == true || n == 0;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ = CloseAsync();
            activity.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await CloseAsync().ConfigureAwait(false);
            activity.Dispose();
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async Task CloseAsync()
    {
        try
        {
            await conn.SendAsync(new KernelRequest { Op = "read-close", Target = handle }).ConfigureAwait(false);
        }
        catch (KernelGoneException)
        {
        }
    }
}
