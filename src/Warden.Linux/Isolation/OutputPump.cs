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

    public static Task<(byte[] Data, bool Truncated)> RunAsync(int fd, long cap, bool isStderr, Func<OutputChunk, ValueTask>? onOutput, Action onOverflow) =>
        Task.Run(async () =>
        {
            using var stream = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));
            var buffer = new byte[64 * 1024];
            var kept = new MemoryStream();
            var decoder = Utf8.GetDecoder();
            var chars = new char[Utf8.GetMaxCharCount(buffer.Length)];
            var truncated = false;
            int n;
            while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                if (truncated) continue;
                var room = cap - kept.Length;
                var take = (int)Math.Min(n, room);
                kept.Write(buffer, 0, take);
                if (onOutput is not null && take > 0)
                {
                    var c = decoder.GetChars(buffer, 0, take, chars, 0, flush: false);
                    if (c > 0) await onOutput(new OutputChunk(isStderr, new string(chars, 0, c))).ConfigureAwait(false);
                }
                if (n > room)
                {
                    truncated = true;
                    onOverflow();
                }
            }
            if (onOutput is not null)
            {
                var c = decoder.GetChars([], 0, 0, chars, 0, flush: true);
                if (c > 0) await onOutput(new OutputChunk(isStderr, new string(chars, 0, c))).ConfigureAwait(false);
            }
            return (kept.ToArray(), truncated);
        });

    /// <summary>UTF-8 with invalid sequences replaced by U+FFFD.</summary>
    public static string Decode(byte[] data) => Utf8.GetString(data);
}
