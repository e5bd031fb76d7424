using System.Buffers;
using System.IO.Pipes;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Warden.Sandbox;

namespace Warden.Linux.Isolation;

/// <summary>
/// Reads one output pipe of a sandbox: keeps at most <c>cap</c> bytes (so Warden's memory is
/// bounded whatever the program writes), forwards decoded text as it arrives, and reports the
/// first byte past the cap, after which it only drains.
/// </summary>
internal static class OutputPump
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static async Task<(byte[] Data, bool Truncated)> RunAsync(int fd, long cap, bool isStderr, Func<OutputChunk, ValueTask>? onOutput, Action onOverflow)
    {
        // Buffers come from the shared pools: a run's pumps used to allocate ~400 KB, the char
        // buffer on the large-object heap, even when nobody listened to the output.
        using var stream = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var chars = onOutput is null ? null : ArrayPool<char>.Shared.Rent(Utf8.GetMaxCharCount(buffer.Length));
        try
        {
            var kept = new MemoryStream();
            var decoder = Utf8.GetDecoder();
            var truncated = false;
            int n;
            while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                if (truncated) continue;
                var room = cap - kept.Length;
                var take = (int)Math.Min(n, room);
                kept.Write(buffer, 0, take);
                if (chars is not null && take > 0)
                {
                    var c = decoder.GetChars(buffer, 0, take, chars, 0, flush: false);
                    if (c > 0) await onOutput!(new OutputChunk(isStderr, new string(chars, 0, c))).ConfigureAwait(false);
                }
                if (n > room)
                {
                    truncated = true;
                    onOverflow();
                }
            }
            if (chars is not null)
            {
                var c = decoder.GetChars([], 0, 0, chars, 0, flush: true);
                if (c > 0) await onOutput!(new OutputChunk(isStderr, new string(chars, 0, c))).ConfigureAwait(false);
            }
            return (kept.ToArray(), truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (chars is not null) ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>UTF-8 with invalid sequences replaced by U+FFFD.</summary>
    public static string Decode(byte[] data) => Utf8.GetString(data);
}
