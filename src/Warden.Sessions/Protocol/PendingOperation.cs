using System.Threading.Channels;

namespace Warden.Sessions.Protocol;

/// <summary>The messages of one request id, delivered by the connection's read loop in order.</summary>
internal sealed class PendingOperation(KernelConnection connection, string id) : IDisposable
{
    private readonly Channel<KernelMessage> _messages = Channel.CreateUnbounded<KernelMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public string Id { get; } = id;

    internal void Deliver(KernelMessage message) => _messages.Writer.TryWrite(message);

    internal void Fail(Exception error) => _messages.Writer.TryComplete(error);

    /// <summary>The next message.</summary>
    /// <exception cref="KernelGoneException">The kernel ended first.</exception>
    public async ValueTask<KernelMessage> ReadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _messages.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex) when (ex.InnerException is { } inner)
        {
            throw Fresh(inner);
        }
    }

    private static Exception Fresh(Exception inner) => inner switch
    {
        KernelGoneException g => new KernelGoneException(g.End),
        KernelRestartedException => new KernelRestartedException(),
        _ => new InvalidOperationException(inner.Message, inner),
    };

    /// <summary>A message if one is already there.</summary>
    public bool TryRead(out KernelMessage message)
    {
        if (_messages.Reader.TryRead(out var m))
        {
            message = m;
            return true;
        }
        if (_messages.Reader.Completion.IsFaulted && _messages.Reader.Completion.Exception?.InnerException is { } inner)
            throw Fresh(inner);
        message = null!;
        return false;
    }

    public void Dispose() => connection.Unregister(Id);
}
