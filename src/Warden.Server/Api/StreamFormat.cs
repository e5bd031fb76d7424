using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Warden.Server.Api;

/// <summary>
/// How a run or evaluation answers, chosen by the Accept header: one JSON object (default),
/// NDJSON (<c>application/x-ndjson</c>, one event per line) or server-sent events (<c>text/event-stream</c>).
/// </summary>
internal enum StreamFormat
{
    None,
    NdJson,
    ServerSentEvents,
}

internal static class StreamFormats
{
    public const string NdJson = "application/x-ndjson";
    public const string EventStream = "text/event-stream";

    public static StreamFormat Negotiate(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept is null) return StreamFormat.None;
        foreach (var a in accept.OrderByDescending(a => a.Quality ?? 1))
        {
            if (a.Quality == 0) continue;
            if (a.MediaType.Equals(NdJson, StringComparison.OrdinalIgnoreCase)) return StreamFormat.NdJson;
            if (a.MediaType.Equals(EventStream, StringComparison.OrdinalIgnoreCase)) return StreamFormat.ServerSentEvents;
            if (a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || a.MatchesAllTypes) return StreamFormat.None;
        }
        return StreamFormat.None;
    }

    /// <summary>Starts a streamed 200 response: no buffering anywhere.</summary>
    public static async Task StartAsync(HttpContext context, StreamFormat format)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = format == StreamFormat.ServerSentEvents ? EventStream + "; charset=utf-8" : NdJson + "; charset=utf-8";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes one event (already serialized JSON) and flushes.</summary>
    public static async Task WriteAsync(HttpContext context, StreamFormat format, string eventType, ReadOnlyMemory<byte> json)
    {
        var body = context.Response.Body;
        var ct = context.RequestAborted;
        if (format == StreamFormat.ServerSentEvents)
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes("event: " + eventType + "\ndata: "), ct).ConfigureAwait(false);
            await body.WriteAsync(json, ct).ConfigureAwait(false);
            await body.WriteAsync("\n\n"u8.ToArray(), ct).ConfigureAwait(false);
        }
        else
        {
            await body.WriteAsync(json, ct).ConfigureAwait(false);
            await body.WriteAsync("\n"u8.ToArray(), ct).ConfigureAwait(false);
        }
        await body.FlushAsync(ct).ConfigureAwait(false);
    }
}
