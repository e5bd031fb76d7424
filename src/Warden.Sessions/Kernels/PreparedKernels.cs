using System.Collections.Concurrent;
using Warden.Policy;
using Warden.Sandbox;
using Warden.Sessions.Protocol;

namespace Warden.Sessions.Kernels;

/// <summary>
/// The sessions' fast path: Python kernels started ahead, each in its own sandbox with the default
/// limits, waiting for a session to adopt them (<see cref="SessionManagerOptions.PreparedSessions"/>).
/// A session takes one only when it asks for exactly that profile; its environment variables are
/// then applied by a <c>configure</c> request. Kernels that waited longer than
/// <see cref="SessionManagerOptions.PreparedMaxAge"/> are discarded. Nothing here is shared between
/// sessions: a prepared kernel is used once.
/// </summary>
internal sealed class PreparedKernels(ISandboxBackend backend, KernelPrograms programs, SessionManagerOptions options) : IAsyncDisposable
{
    private readonly ConcurrentQueue<PreparedKernel> _ready = new();
    private readonly ConcurrentDictionary<Task, byte> _starting = new();
    private int _disposed;

    /// <summary>Kernels ready now.</summary>
    public int ReadyCount => _ready.Count;

    /// <summary>The sandbox every prepared kernel runs in.</summary>
    public SandboxSpec Spec { get; } = new()
    {
        Argv = [],
        Env = KernelLanguage.Python.Env,
        Limits = options.DefaultLimits with
        {
            TimeoutMs = (int)Math.Min(int.MaxValue, (options.DefaultMaxLifetimeSeconds + 60L + (long)options.PreparedMaxAge.TotalSeconds) * 1000),
        },
        ExtraPids = KernelLanguage.Python.ExtraPids,
        Phase = "session",
    };

    /// <summary>Whether a session of this shape may adopt a prepared kernel.</summary>
    public static bool Eligible(KernelLanguage language, Limits limits, int lifetimeSeconds, IReadOnlyDictionary<string, string>? env, SessionManagerOptions options) =>
        options.PreparedSessions > 0 && language == KernelLanguage.Python && limits == options.DefaultLimits
        && lifetimeSeconds <= options.DefaultMaxLifetimeSeconds
        // Variables the interpreter reads at start-up cannot be applied afterwards.
        && (env is null || !env.Keys.Any(k => k.StartsWith("PYTHON", StringComparison.Ordinal) || k.StartsWith("MPL", StringComparison.Ordinal) || k.StartsWith("LC_", StringComparison.Ordinal) || k == "LANG"));

    /// <summary>A ready kernel, or null (the caller starts one itself). Starts a replacement either way.</summary>
    public PreparedKernel? TryTake()
    {
        PreparedKernel? taken = null;
        while (_ready.TryDequeue(out var p))
        {
            if (p.Connection.Ended.IsCompleted || options.TimeProvider.GetUtcNow() - p.ReadyAt > options.PreparedMaxAge)
            {
                _ = p.Connection.DisposeAsync().AsTask();
                continue;
            }
            taken = p;
            break;
        }
        Refill();
        return taken;
    }

    /// <summary>Discards kernels that waited too long and starts what is missing.</summary>
    public void Trim()
    {
        var now = options.TimeProvider.GetUtcNow();
        for (var n = _ready.Count; n > 0 && _ready.TryPeek(out var p) && (p.Connection.Ended.IsCompleted || now - p.ReadyAt > options.PreparedMaxAge); n--)
            if (_ready.TryDequeue(out var old)) _ = old.Connection.DisposeAsync().AsTask();
        Refill();
    }

    /// <summary>Starts kernels until <see cref="SessionManagerOptions.PreparedSessions"/> are ready or starting.</summary>
    public void Refill()
    {
        while (Volatile.Read(ref _disposed) == 0 && _ready.Count + _starting.Count < options.PreparedSessions)
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _starting[tcs.Task] = 0;
            _ = StartOneAsync(tcs);
        }
    }

    private async Task StartOneAsync(TaskCompletionSource done)
    {
        try
        {
            var spec = Spec with { Argv = await programs.ArgvAsync(KernelLanguage.Python).ConfigureAwait(false) };
            var stderr = new StderrTail();
            var sandbox = await backend.StartAsync(spec, chunk =>
            {
                stderr.Append(chunk.Text);
                return ValueTask.CompletedTask;
            }, CancellationToken.None).ConfigureAwait(false);
            var conn = KernelConnection.Attach(sandbox, options.MaxMessageBytes);
            try
            {
                await conn.WaitReadyAsync(options.StartTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or KernelGoneException)
            {
                await conn.DisposeAsync().ConfigureAwait(false);
                return;
            }
            if (Volatile.Read(ref _disposed) != 0) await conn.DisposeAsync().ConfigureAwait(false);
            else _ready.Enqueue(new PreparedKernel(conn, spec, stderr, options.TimeProvider.GetUtcNow()));
        }
        catch (Exception ex) when (ex is WardenException or IOException)
        {
            // The host cannot start one now; sessions start their own (and report why).
        }
        finally
        {
            _starting.TryRemove(done.Task, out _);
            done.TrySetResult();
        }
    }

    /// <summary>Kills every prepared kernel (and those still starting) and waits until their sandboxes are gone.</summary>
    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        await Task.WhenAll(_starting.Keys).ConfigureAwait(false);
        while (_ready.TryDequeue(out var p)) await p.Connection.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A kernel started ahead: its connection (ready), the sandbox it runs in, its stderr tail, when it became ready.</summary>
internal sealed record PreparedKernel(KernelConnection Connection, SandboxSpec Spec, StderrTail Stderr, DateTimeOffset ReadyAt);
