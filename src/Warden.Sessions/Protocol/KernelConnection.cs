using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Warden.Sandbox;

namespace Warden.Sessions.Protocol;

/// <summary>
/// The host's end of one kernel: requests written to its stdin, messages read from its stdout by one
/// loop that parses each line (bounded, defensively) and routes it to the operation with that id. When
/// the kernel's output ends or it breaks the protocol, the sandbox is killed, every waiting operation
/// fails with <see cref="KernelGoneException"/>, and <see cref="Ended"/> completes with the outcome.
/// </summary>
internal sealed class KernelConnection : IAsyncDisposable
{
    private readonly IInteractiveSandbox _sandbox;
    private readonly int _maxMessageBytes;
    private readonly ConcurrentDictionary<string, PendingOperation> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly TaskCompletionSource<KernelEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<KernelMessage> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private int _disposed;

    private KernelConnection(IInteractiveSandbox sandbox, int maxMessageBytes)
    {
        _sandbox = sandbox;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>Wraps a started sandbox and starts reading its output.</summary>
    public static KernelConnection Attach(IInteractiveSandbox sandbox, int maxMessageBytes)
    {
        var c = new KernelConnection(sandbox, maxMessageBytes);
        _ = Task.Run(c.ReadLoopAsync);
        return c;
    }

    /// <summary>Completes when the kernel's sandbox is gone.</summary>
    public Task<KernelEnd> Ended => _ended.Task;

    /// <summary>Memory of the whole sandbox, bytes.</summary>
    public long MemoryBytes => _ended.Task.IsCompleted ? 0 : _sandbox.MemoryBytes;

    /// <summary>A fresh request id.</summary>
    public string NextId() => Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    /// <summary>Registers an id so its messages are kept for the caller.</summary>
    public PendingOperation Register(string id)
    {
        var op = new PendingOperation(this, id);
        if (_ended.Task.IsCompleted) op.Fail(new KernelGoneException(_ended.Task.Result));
        else if (!_pending.TryAdd(id, op)) throw new InvalidOperationException("duplicate request id");
        // The read loop may have ended between the check and the add.
        if (_ended.Task.IsCompleted) op.Fail(new KernelGoneException(_ended.Task.Result));
        return op;
    }

    /// <summary>Registers a fresh id.</summary>
    public PendingOperation Begin() => Register(NextId());

    internal void Unregister(string id) => _pending.TryRemove(id, out _);

    /// <summary>Waits for the kernel's <c>ready</c> message.</summary>
    public async Task<KernelMessage> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ready = _ready.Task;
        var done = await Task.WhenAny(ready, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (done != ready) throw new TimeoutException("the kernel did not say it was ready in time");
        return await ready.ConfigureAwait(false);
    }

    /// <summary>Sends a request. Throws <see cref="KernelGoneException"/> when the kernel has ended.</summary>
    public async ValueTask SendAsync(KernelRequest request, CancellationToken cancellationToken = default)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(request, KernelJsonContext.Default.KernelRequest);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendLockedAsync(bytes).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Sends a restart request and waits for the new kernel's <c>ready</c>, holding the write gate so
    /// nothing reaches the old kernel's stdin buffer after the request (it would be lost in the exec).
    /// </summary>
    public async Task<KernelMessage> RestartAsync(TimeSpan timeout)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new KernelRequest { Op = "restart" }, KernelJsonContext.Default.KernelRequest);
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _ready = new TaskCompletionSource<KernelMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_ended.Task.IsCompleted) _ready.TrySetException(new KernelGoneException(_ended.Task.Result));
            await SendLockedAsync(bytes).ConfigureAwait(false);
            var ready = await WaitReadyAsync(timeout, CancellationToken.None).ConfigureAwait(false);
            // Whatever waited on the old kernel will never be answered.
            foreach (var op in _pending.Values) op.Fail(new KernelRestartedException());
            return ready;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async ValueTask SendLockedAsync(byte[] bytes)
    {
        if (_ended.Task.IsCompleted) throw new KernelGoneException(_ended.Task.Result);
        try
        {
            var input = _sandbox.Input;
            await input.WriteAsync(bytes).ConfigureAwait(false);
            input.WriteByte((byte)'\n');
            await input.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            throw new KernelGoneException(await _ended.Task.ConfigureAwait(false));
        }
    }

    /// <summary>SIGINT to the kernel. False when it has ended.</summary>
    public bool Interrupt() => !_ended.Task.IsCompleted && _sandbox.Interrupt();

    /// <summary>Kills the sandbox; <see cref="Ended"/> completes once it is reaped.</summary>
    public void Kill() => _sandbox.Kill();

    private async Task ReadLoopAsync()
    {
        string? protocolError = null;
        try
        {
            var reader = new BoundedLineReader(_sandbox.Output, _maxMessageBytes);
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                KernelMessage? message;
                try
                {
                    message = JsonSerializer.Deserialize(line.Span, KernelJsonContext.Default.KernelMessage);
                }
                catch (JsonException)
                {
                    throw new KernelProtocolException("the kernel sent a malformed message");
                }
                if (message?.Type is null) throw new KernelProtocolException("the kernel sent a message without a type");
                Dispatch(message);
            }
        }
        catch (KernelProtocolException ex)
        {
            protocolError = ex.Message;
            _sandbox.Kill();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }

        // The output ended: the kernel exited or was killed. Give the engine a moment to see the
        // exit by itself (so an OOM kill is reported as such), then make sure the sandbox is gone.
        var completion = _sandbox.Completion;
        if (await Task.WhenAny(completion, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false) != completion)
            _sandbox.Kill();
        SandboxOutcome outcome;
        try
        {
            outcome = await completion.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            outcome = new SandboxOutcome { Started = false, SetupError = "The sandbox failed.", Diagnostic = ex.Message };
        }
        var end = new KernelEnd(outcome, protocolError);
        _ready.TrySetException(new KernelGoneException(end));
        _ended.TrySetResult(end);
        foreach (var op in _pending.Values) op.Fail(new KernelGoneException(end));
    }

    private void Dispatch(KernelMessage message)
    {
        if (message.Id is null)
        {
            if (message.Type == "ready") _ready.TrySetResult(message);
            return; // output of a background process between cells: nobody to give it to
        }
        if (_pending.TryGetValue(message.Id, out var op)) op.Deliver(message);
    }

    /// <summary>Kills the sandbox and waits until it is reaped.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _ended.Task.ConfigureAwait(false);
            return;
        }
        _sandbox.Kill();
        await _ended.Task.ConfigureAwait(false);
        await _sandbox.DisposeAsync().ConfigureAwait(false);
        _writeGate.Dispose();
    }
}
