using System.Net;

namespace Warden.Server.Tests.Support;

/// <summary>A request body written by a callback, sent chunked (no Content-Length).</summary>
public sealed class PushStreamContent(Func<Stream, Task> write) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => write(stream);

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
