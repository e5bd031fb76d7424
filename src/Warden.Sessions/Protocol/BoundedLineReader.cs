namespace Warden.Sessions.Protocol;

/// <summary>
/// Reads newline-terminated messages from a stream, enforcing the size limit while reading
/// (never read a whole message before checking its size).
/// </summary>
internal sealed class BoundedLineReader(Stream stream, int maxLineBytes)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    /// <summary>The next line without its newline (valid until the next call), or null at end of stream.</summary>
    /// <exception cref="KernelProtocolException">A line is longer than the limit, or the stream ends inside one.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        if (_start == _end)
        {
            _start = _end = 0;
            if (_buffer.Length > 1 << 20) _buffer = new byte[64 * 1024]; // do not keep a big message's buffer
        }
        var scanned = _start;
        while (true)
        {
            var nl = Array.IndexOf(_buffer, (byte)'\n', scanned, _end - scanned);
            if (nl >= 0)
            {
                var line = new ReadOnlyMemory<byte>(_buffer, _start, nl - _start);
                _start = nl + 1;
                return line;
            }
            scanned = _end;
            if (_end - _start > maxLineBytes) throw new KernelProtocolException($"a message is longer than {maxLineBytes} bytes");
            if (_start > 0 && _end == _buffer.Length)
            {
                // Move the partial line to the front before growing.
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                scanned -= _start;
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                if (_buffer.Length >= maxLineBytes + 1) throw new KernelProtocolException($"a message is longer than {maxLineBytes} bytes");
                Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, maxLineBytes + 1L));
            }
            var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (_end > _start) throw new KernelProtocolException("the kernel's output ended inside a message");
                return null;
            }
            _end += n;
        }
    }
}
