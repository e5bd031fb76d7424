using System.Collections.Concurrent;
using Warden.Linux.Isolation;
using Warden.Policy;
using Warden.Sandbox;

namespace Warden.Linux.FastPath;

/// <summary>
/// Keeps one Python zygote alive and a few of its children prepared for the default limits.
/// A run takes a prepared child (path <c>zygote</c>), or has one prepared for its own limits
/// (<c>zygote-on-demand</c>), or — when no zygote is running — returns null so the caller
/// starts a fresh sandbox (<c>cold</c>). Zygotes are replaced after <see cref="ZygoteOptions.MaxJobs"/>
/// jobs or <see cref="ZygoteOptions.MaxAge"/>, and when one dies the next run starts a new one;
/// no request waits on a dead zygote.
/// </summary>
internal sealed class ZygotePool : IAsyncDisposable
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly LinuxSandboxBackend _backend;
    private readonly LinuxSandboxBackend.Ready _ready;
    private readonly ZygoteOptions _options;
    private readonly Limits _defaultLimits;
    private readonly ConcurrentQueue<ZygoteJob> _prepared = new();
    // Prepared JavaScript sandboxes: children of the zygote that exec'd node ahead of requests.
    private readonly ConcurrentQueue<ZygoteJob> _preparedNode = new();
    private volatile Limits? _nodeLimits;
    private int _preparingNode;
    private readonly ConcurrentDictionary<PythonZygote, int> _inFlight = new();
    private readonly object _gate = new();
    private PythonZygote? _current;
    private Task<PythonZygote?>? _starting;
    private long _lastFailure = long.MinValue / 2;
    private int _preparing;
    private volatile bool _disposed;

    public ZygotePool(LinuxSandboxBackend backend, LinuxSandboxBackend.Ready ready, ZygoteOptions options, Limits defaultLimits)
    {
        _backend = backend;
        _ready = ready;
        _options = options;
        _defaultLimits = defaultLimits;
    }

    /// <summary>The live zygote, if any (tests kill it to prove the pool heals).</summary>
    public PythonZygote? Current => _current;

    /// <summary>Names of the cgroups of the live zygotes and of the prepared children.</summary>
    public HashSet<string> LongLivedCgroups()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var j in _prepared.Concat(_preparedNode)) foreach (var d in j.Cgroup.Dirs) names.Add(Path.GetFileName(d));
        foreach (var z in new[] { _current }.Concat(_inFlight.Keys))
            if (z is not null) foreach (var d in z.Sandbox.CgroupDirs) names.Add(Path.GetFileName(d));
        return names;
    }

    /// <summary>How many children are prepared, the private memory of their processes (kB) and what their cgroups are charged (bytes).</summary>
    public (int Count, long PrivateKb, long CgroupBytes) PreparedMemory()
    {
        int count = 0;
        long privateKb = 0, charged = 0;
        foreach (var j in _prepared)
        {
            count++;
            charged += j.Cgroup.CurrentMemory();
            foreach (var pid in j.Cgroup.Pids())
            {
                try
                {
                    foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
                        if (line.StartsWith("Private_Clean:", StringComparison.Ordinal) || line.StartsWith("Private_Dirty:", StringComparison.Ordinal))
                            privateKb += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException) { }
            }
        }
        return (count, privateKb, charged);
    }

    /// <summary>Why the last zygote failed to start, if one did.</summary>
    public string? LastStartError { get; private set; }

    /// <summary>Whether children are being prepared or torn down, or a zygote is starting.</summary>
    public bool Busy => Volatile.Read(ref _preparing) > 0 || Volatile.Read(ref _preparingNode) > 0 || _starting is not null || Volatile.Read(ref _discarding) > 0;

    private int _discarding;

    private void Discard(ZygoteJob job) => Track(job.DiscardAsync());

    /// <summary>Counts a child's teardown as in progress (<see cref="Busy"/>; shutdown waits for it).</summary>
    private void Track(Task teardown)
    {
        if (teardown.IsCompleted) return;
        Interlocked.Increment(ref _discarding);
        _ = teardown.ContinueWith(_ => Interlocked.Decrement(ref _discarding), TaskScheduler.Default);
    }

    /// <summary>Children prepared and waiting.</summary>
    public int PreparedCount => _prepared.Count;

    /// <summary>Prepared JavaScript sandboxes waiting.</summary>
    public int PreparedNodeCount => _preparedNode.Count;

    /// <summary>
    /// Python runs, and JavaScript runs without stdin or files to collect (the node loader does
    /// neither), when nothing extra is bound in.
    /// </summary>
    public static bool Eligible(SandboxSpec spec) => spec.ExtraBinds.Count == 0 && spec.FastPath?.Kind switch
    {
        "python" => true,
        "node" => spec.Stdin.IsEmpty && spec.Collect.Count == 0,
        _ => false,
    };

    /// <summary>Starts the zygote (if needed) and waits until it and its prepared children are ready.</summary>
    public async Task<bool> WarmUpAsync(CancellationToken ct)
    {
        var z = await EnsureZygoteAsync(wait: true, ct).ConfigureAwait(false);
        if (z is null) return false;
        Refill(z);
        // Wait until every child Refill started is prepared (bounded).
        var deadline = Environment.TickCount64 + 30_000;
        while ((_prepared.Count < _options.Prepared || Volatile.Read(ref _preparing) > 0) && z.Alive && Environment.TickCount64 < deadline)
            await Task.Delay(5, ct).ConfigureAwait(false);
        return z.Alive;
    }

    /// <summary>Runs <paramref name="spec"/> on the fast path, or returns null when it cannot (the caller goes cold).</summary>
    public async Task<SandboxOutcome?> TryExecuteAsync(SandboxSpec spec, Func<OutputChunk, ValueTask>? onOutput, CancellationToken ct)
    {
        if (_disposed || !_options.Enabled || !Eligible(spec)) return null;
        if (spec.FastPath!.Kind == "node") return await TryExecuteNodeAsync(spec, onOutput, ct).ConfigureAwait(false);
        var zygote = await EnsureZygoteAsync(wait: false, ct).ConfigureAwait(false);
        if (zygote is null)
        {
            Fallback("no live zygote" + (LastStartError is null ? "" : " (last start: " + LastStartError + ")"));
            return null;
        }
        _inFlight.AddOrUpdate(zygote, 1, (_, n) => n + 1);
        try
        {
            ZygoteJob? job = null;
            var path = "zygote";
            if (ServedByPrepared(spec.Limits)) job = TakePrepared(zygote);
            if (job is null)
            {
                path = "zygote-on-demand";
                try
                {
                    job = await zygote.PrepareAsync(spec.Limits, ct).ConfigureAwait(false);
                }
                catch (SandboxException ex)
                {
                    Fallback("on-demand prepare failed: " + ex.Message);
                    return null;
                }
            }
            try
            {
                return await job.ExecuteAsync(spec, path, onOutput, ct).ConfigureAwait(false);
            }
            finally
            {
                Track(job.Teardown);
            }
        }
        finally
        {
            _inFlight.AddOrUpdate(zygote, 0, (_, n) => n - 1);
            RecycleIfDue(zygote);
            // Refill once this run is done, not while it runs: on two cores, preparing the next
            // child (a fork of the zygote) next to a short program doubled its latency.
            Refill(zygote);
        }
    }

    /// <summary>
    /// A JavaScript run on a prepared node sandbox (path <c>node-prepared</c>), or null when none
    /// is ready for its limits: node's own start-up is most of a cold run, so preparing one for a
    /// waiting request would save nothing; the request goes cold and the pool fills behind it.
    /// </summary>
    private async Task<SandboxOutcome?> TryExecuteNodeAsync(SandboxSpec spec, Func<OutputChunk, ValueTask>? onOutput, CancellationToken ct)
    {
        if (_options.NodePrepared <= 0) return null;
        var zygote = await EnsureZygoteAsync(wait: false, ct).ConfigureAwait(false);
        if (zygote is null)
        {
            Fallback("no live zygote for a prepared node sandbox");
            return null;
        }
        var wanted = Normalized(spec.Limits);
        if (spec.Limits.TimeoutMs > _defaultLimits.TimeoutMs)
        {
            Fallback("a JavaScript timeout above the default");
            return null;
        }
        // The pool follows the workload: it prepares for the limits of the JavaScript runs it sees,
        // switching only when it holds nothing prepared for the old ones.
        if (_nodeLimits != wanted && _preparedNode.IsEmpty && Volatile.Read(ref _preparingNode) == 0) _nodeLimits = wanted;
        ZygoteJob? job = null;
        if (wanted == _nodeLimits)
            while (_preparedNode.TryDequeue(out var j))
            {
                if (j.Zygote == zygote && zygote.Alive) { job = j; break; }
                Discard(j);
            }
        if (job is null)
        {
            Fallback("no prepared node sandbox for these limits");
            RefillNode(zygote);
            return null;
        }
        _inFlight.AddOrUpdate(zygote, 1, (_, n) => n + 1);
        try
        {
            return await job.ExecuteAsync(spec, "node-prepared", onOutput, ct).ConfigureAwait(false);
        }
        finally
        {
            Track(job.Teardown);
            _inFlight.AddOrUpdate(zygote, 0, (_, n) => n - 1);
            RecycleIfDue(zygote);
            RefillNode(zygote);
        }
    }

    private void RefillNode(PythonZygote zygote)
    {
        while (!_disposed && zygote.Alive && zygote == _current && _nodeLimits is { } limits)
        {
            var preparing = Volatile.Read(ref _preparingNode);
            if (_preparedNode.Count + preparing >= _options.NodePrepared || preparing >= _options.RefillConcurrency) return;
            if (Interlocked.CompareExchange(ref _preparingNode, preparing + 1, preparing) != preparing) continue;
            _ = Task.Run(async () =>
            {
                try
                {
                    var job = await zygote.PrepareAsync(limits, CancellationToken.None, node: true).ConfigureAwait(false);
                    if (_disposed || zygote != _current || !zygote.Alive) await job.DiscardAsync().ConfigureAwait(false);
                    else _preparedNode.Enqueue(job);
                }
                catch (Exception ex) when (ex is SandboxException or IOException or OperationCanceledException or TimeoutException)
                {
                    Debug("preparing a node sandbox failed: " + ex.Message);
                }
                finally
                {
                    Interlocked.Decrement(ref _preparingNode);
                }
                RefillNode(zygote);
            });
        }
    }

    /// <summary>The limits a prepared child is made with for a request's limits (timeout and output cap are Warden's to enforce).</summary>
    private Limits Normalized(Limits l) => l with { TimeoutMs = _defaultLimits.TimeoutMs, OutputBytes = _defaultLimits.OutputBytes };

    /// <summary>
    /// A prepared child serves a request whose cgroup, tmpfs and rlimits it already has: the same
    /// limits, except that the timeout may be shorter (Warden's own timer enforces it; the child's
    /// CPU-seconds rlimit, set from the default timeout, is then only more generous) and the
    /// output cap may differ (Warden enforces it while reading).
    /// </summary>
    private bool ServedByPrepared(Limits l) => Normalized(l) == _defaultLimits && l.TimeoutMs <= _defaultLimits.TimeoutMs;

    private ZygoteJob? TakePrepared(PythonZygote zygote)
    {
        while (_prepared.TryDequeue(out var job))
        {
            if (job.Zygote == zygote && zygote.Alive) return job;
            Discard(job);
        }
        return null;
    }

    private void Refill(PythonZygote zygote)
    {
        while (!_disposed && zygote.Alive && zygote == _current)
        {
            var preparing = Volatile.Read(ref _preparing);
            if (_prepared.Count + preparing >= _options.Prepared || preparing >= _options.RefillConcurrency) return;
            if (IdleMemoryBytes() > (long)_options.MaxIdleMemoryMb << 20) return;
            if (Interlocked.CompareExchange(ref _preparing, preparing + 1, preparing) != preparing) continue;
            _ = Task.Run(async () =>
            {
                try
                {
                    var job = await zygote.PrepareAsync(_defaultLimits, CancellationToken.None).ConfigureAwait(false);
                    if (_disposed || zygote != _current || !zygote.Alive) await job.DiscardAsync().ConfigureAwait(false);
                    else _prepared.Enqueue(job);
                }
                catch (Exception ex) when (ex is SandboxException or IOException or OperationCanceledException or TimeoutException)
                {
                    Debug("prepare failed: " + ex.Message);
                }
                finally
                {
                    Interlocked.Decrement(ref _preparing);
                }
                Refill(zygote);
            });
        }
    }

    private long IdleMemoryBytes() => _prepared.Sum(j => j.Cgroup.CurrentMemory());

    private async Task<PythonZygote?> EnsureZygoteAsync(bool wait, CancellationToken ct)
    {
        Task<PythonZygote?> starting;
        lock (_gate)
        {
            if (_current is { Alive: true } z) return z;
            if (_starting is null)
            {
                if (!wait && Environment.TickCount64 - _lastFailure < RetryAfterFailure.TotalMilliseconds) return null;
                _starting = StartZygoteAsync();
            }
            starting = _starting;
        }
        if (!wait) return starting.IsCompletedSuccessfully ? starting.Result : null;
        return await starting.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task<PythonZygote?> StartZygoteAsync()
    {
        PythonZygote? z = null;
        try
        {
            z = await PythonZygote.StartAsync(_backend, _ready, _options, CancellationToken.None).ConfigureAwait(false);
            PythonZygote? old;
            lock (_gate)
            {
                old = _current;
                _current = z;
                _starting = null;
            }
            var started = z;
            _ = started.Completion.ContinueWith(_ => OnZygoteEnded(started), TaskScheduler.Default);
            if (old is not null) _ = RetireAsync(old);
            Refill(z);
            RefillNode(z);
            return z;
        }
        catch (Exception ex) when (ex is SandboxException or IOException or OperationCanceledException or WardenException)
        {
            LastStartError = ex.Message;
            if (DebugLog.Events) DebugLog.Write("zygote: " + ex.Message);
            lock (_gate)
            {
                _starting = null;
                _lastFailure = Environment.TickCount64;
            }
            return null;
        }
    }

    /// <summary>Why the last run fell back to a cold sandbox (diagnostics).</summary>
    public string? LastFallback { get; private set; }

    private void Fallback(string reason)
    {
        LastFallback = reason;
        Debug("running cold: " + reason);
    }

    private static void Debug(string message)
    {
        if (DebugLog.Events) DebugLog.Write("zygote pool: " + message);
    }

    private void OnZygoteEnded(PythonZygote z)
    {
        var o = z.Completion.Result;
        Debug($"zygote ended: signal {o.Signal} exit {o.ExitCode} output-limit {o.OutputLimitHit} killed {o.KilledByWarden} timeout {o.TimedOut} oom {o.OomKilled} stderr {o.Stderr}");
        lock (_gate)
        {
            if (_current == z) _current = null;
        }
        while (_prepared.TryPeek(out var j) && j.Zygote == z && _prepared.TryDequeue(out j)) Discard(j);
        while (_preparedNode.TryPeek(out var n) && n.Zygote == z && _preparedNode.TryDequeue(out n)) Discard(n);
    }

    private void RecycleIfDue(PythonZygote zygote)
    {
        var due = zygote.Jobs >= _options.MaxJobs || Environment.TickCount64 - zygote.StartedAt > _options.MaxAge.TotalMilliseconds;
        if (!due || _disposed) return;
        lock (_gate)
        {
            if (_current != zygote || _starting is not null) return;
            _starting = StartZygoteAsync();
        }
    }

    private async Task RetireAsync(PythonZygote old)
    {
        while (_prepared.TryPeek(out var j) && j.Zygote == old && _prepared.TryDequeue(out j)) await j.DiscardAsync().ConfigureAwait(false);
        while (_preparedNode.TryPeek(out var n) && n.Zygote == old && _preparedNode.TryDequeue(out n)) await n.DiscardAsync().ConfigureAwait(false);
        var deadline = Environment.TickCount64 + 3_600_000;
        while (_inFlight.GetValueOrDefault(old) > 0 && Environment.TickCount64 < deadline && old.Alive)
            await Task.Delay(50).ConfigureAwait(false);
        _inFlight.TryRemove(old, out _);
        await old.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        var deadline = Environment.TickCount64 + 10_000;
        while ((Volatile.Read(ref _preparing) > 0 || Volatile.Read(ref _preparingNode) > 0) && Environment.TickCount64 < deadline) await Task.Delay(5).ConfigureAwait(false);
        while (_prepared.TryDequeue(out var j)) await j.DiscardAsync().ConfigureAwait(false);
        while (_preparedNode.TryDequeue(out var n)) await n.DiscardAsync().ConfigureAwait(false);
        // Runs answered already; their sandboxes' teardown may still be finishing.
        while (Volatile.Read(ref _discarding) > 0 && Environment.TickCount64 < deadline) await Task.Delay(5).ConfigureAwait(false);
        Task<PythonZygote?>? starting;
        PythonZygote? current;
        lock (_gate)
        {
            starting = _starting;
            current = _current;
            _current = null;
        }
        if (starting is not null && await starting.ConfigureAwait(false) is { } late && late != current) await late.DisposeAsync().ConfigureAwait(false);
        if (current is not null) await current.DisposeAsync().ConfigureAwait(false);
    }
}
