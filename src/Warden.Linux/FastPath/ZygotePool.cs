using System.Collections.Concurrent;
using Warden.Linux.Isolation;
using Warden.Policy;
using Warden.Sandbox;

namespace Warden.Linux.FastPath;

/// <summary>
/// Keeps two Python zygotes alive — a <see cref="ZygoteKind.Standard"/> one (standard library
/// only) and a <see cref="ZygoteKind.Scientific"/> one (also numpy, pandas, matplotlib) — and a
/// few children of each prepared for the default limits. A Python run goes to the standard
/// zygote when its sources import only the standard library (<see cref="PythonImports"/>), to the
/// scientific one otherwise. It takes a prepared child (path <c>zygote</c>), or has one prepared
/// for its own limits (<c>zygote-on-demand</c>), or — when no suitable zygote is running —
/// returns null so the caller starts a fresh sandbox (<c>cold</c>). Zygotes are replaced after
/// <see cref="ZygoteOptions.MaxJobs"/> jobs or <see cref="ZygoteOptions.MaxAge"/>, and when one
/// dies the next run starts a new one; no request waits on a dead zygote.
/// </summary>
internal sealed class ZygotePool : IAsyncDisposable
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly LinuxSandboxBackend _backend;
    private readonly LinuxSandboxBackend.Ready _ready;
    private readonly ZygoteOptions _options;
    private readonly Limits _defaultLimits;
    // Python children prepared for the default limits (one shelf per zygote), and JavaScript
    // sandboxes (children that exec'd node ahead of requests) for the limits of the JavaScript runs seen.
    private readonly Shelf _scientificPython;
    private readonly Shelf? _standardPython;
    private readonly Shelf _node;
    private readonly Shelf[] _shelves;
    private readonly Slot[] _slots;
    private readonly ConcurrentDictionary<PythonZygote, int> _inFlight = new();
    private volatile bool _disposed;

    /// <summary>One zygote kind: the live zygote, the one starting, and when a start last failed.</summary>
    private sealed class Slot(ZygoteKind kind)
    {
        public readonly ZygoteKind Kind = kind;
        public readonly object Gate = new();
        public PythonZygote? Current;
        public Task<PythonZygote?>? Starting;
        public long LastFailure = long.MinValue / 2;
        public string? LastStartError;
    }

    /// <summary>Children of one kind prepared ahead, and how many are being prepared.</summary>
    private sealed class Shelf(Slot slot, bool node, int capacity, Limits? limits)
    {
        public readonly ConcurrentQueue<ZygoteJob> Jobs = new();
        public int Preparing;
        public Slot Slot { get; } = slot;
        public bool Node { get; } = node;
        public int Capacity { get; } = capacity;
        /// <summary>The limits its children are prepared with (null: none yet).</summary>
        public volatile Limits? Limits = limits;
    }

    public ZygotePool(LinuxSandboxBackend backend, LinuxSandboxBackend.Ready ready, ZygoteOptions options, Limits defaultLimits)
    {
        _backend = backend;
        _ready = ready;
        _options = options;
        _defaultLimits = defaultLimits;
        // Each zygote kind's slot belongs to its Python shelf.
        _scientificPython = new Shelf(new Slot(ZygoteKind.Scientific), node: false, options.ScientificPrepared, defaultLimits);
        if (options.StandardZygote)
            _standardPython = new Shelf(new Slot(ZygoteKind.Standard), node: false, options.Prepared, defaultLimits);
        // node replaces the child's image at once: the smaller zygote forks it more cheaply.
        _node = new Shelf((_standardPython ?? _scientificPython).Slot, node: true, options.NodePrepared, null);
        _shelves = _standardPython is null ? [_scientificPython, _node] : [_standardPython, _scientificPython, _node];
        _slots = _standardPython is null ? [_scientificPython.Slot] : [_standardPython.Slot, _scientificPython.Slot];
    }

    /// <summary>The live scientific zygote (numpy, pandas, matplotlib), if any (tests kill it to prove the pool heals).</summary>
    public PythonZygote? Scientific => _scientificPython.Slot.Current;

    /// <summary>The live standard-library zygote, if any (null when <see cref="ZygoteOptions.StandardZygote"/> is off).</summary>
    public PythonZygote? Standard => _standardPython?.Slot.Current;

    /// <summary>The live zygote of <paramref name="kind"/>, if any.</summary>
    public PythonZygote? Zygote(ZygoteKind kind) => kind == ZygoteKind.Scientific ? Scientific : Standard;

    /// <summary>Whether a zygote of every kind this pool keeps is alive.</summary>
    public bool AllAlive => _slots.All(s => s.Current is { Alive: true });

    /// <summary>Names of the cgroups of the live zygotes and of the prepared children.</summary>
    public HashSet<string> LongLivedCgroups()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shelf in _shelves) foreach (var j in shelf.Jobs) foreach (var d in j.Cgroup.Dirs) names.Add(Path.GetFileName(d));
        foreach (var z in _slots.Select(s => s.Current).Concat(_inFlight.Keys))
            if (z is not null) foreach (var d in z.Sandbox.CgroupDirs) names.Add(Path.GetFileName(d));
        return names;
    }

    /// <summary>How many Python children are prepared, the private memory of their processes (kB) and what their cgroups are charged (bytes).</summary>
    public (int Count, long PrivateKb, long CgroupBytes) PreparedMemory(ZygoteKind? kind = null)
    {
        int count = 0;
        long privateKb = 0, charged = 0;
        foreach (var shelf in _shelves)
        {
            if (shelf.Node || (kind is { } k && shelf.Slot.Kind != k)) continue;
            foreach (var j in shelf.Jobs)
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
        }
        return (count, privateKb, charged);
    }

    /// <summary>Why the last zygote failed to start, if one did.</summary>
    public string? LastStartError => _slots.Select(s => s.LastStartError).LastOrDefault(e => e is not null);

    /// <summary>Whether children are being prepared or torn down, or a zygote is starting.</summary>
    public bool Busy => Preparing || _slots.Any(s => s.Starting is not null) || Volatile.Read(ref _discarding) > 0;

    private bool Preparing => _shelves.Any(s => Volatile.Read(ref s.Preparing) > 0);

    private int _discarding;

    private void Discard(ZygoteJob job) => Track(job.DiscardAsync());

    /// <summary>Counts a child's teardown as in progress (<see cref="Busy"/>; shutdown waits for it).</summary>
    private void Track(Task teardown)
    {
        if (teardown.IsCompleted) return;
        Interlocked.Increment(ref _discarding);
        _ = teardown.ContinueWith(_ => Interlocked.Decrement(ref _discarding), TaskScheduler.Default);
    }

    /// <summary>Python children prepared and waiting (both zygotes).</summary>
    public int PreparedCount => _shelves.Where(s => !s.Node).Sum(s => s.Jobs.Count);

    /// <summary>Prepared JavaScript sandboxes waiting.</summary>
    public int PreparedNodeCount => _node.Jobs.Count;

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

    /// <summary>Starts the zygotes (if needed) and waits until they and their prepared children are ready.</summary>
    public async Task<bool> WarmUpAsync(CancellationToken ct)
    {
        var zygotes = await Task.WhenAll(_slots.Select(s => EnsureZygoteAsync(s, wait: true, ct))).ConfigureAwait(false);
        if (zygotes.Any(z => z is null)) return false;
        var python = _shelves.Where(s => !s.Node).ToList();
        foreach (var shelf in python)
        {
            // A zygote can die between its start and here (killed, or its sandbox hit a limit):
            // then warming failed; the next run starts a new one.
            if (shelf.Slot.Current is not { Alive: true } current) return false;
            Refill(shelf, current);
        }
        // Wait until every child Refill started is prepared (bounded).
        var deadline = Environment.TickCount64 + 30_000;
        while (python.Any(s => s.Jobs.Count < s.Capacity || Volatile.Read(ref s.Preparing) > 0) && zygotes.All(z => z!.Alive) && Environment.TickCount64 < deadline)
            await Task.Delay(5, ct).ConfigureAwait(false);
        return zygotes.All(z => z!.Alive);
    }

    /// <summary>
    /// Runs <paramref name="spec"/> on the fast path, or returns null when it cannot (the caller
    /// goes cold). Python takes a prepared child (<c>zygote</c>) or has one prepared for its limits
    /// (<c>zygote-on-demand</c>), from the standard zygote when its sources import only the standard
    /// library and that zygote is up, from the scientific one otherwise. JavaScript takes a
    /// prepared node sandbox (<c>node-prepared</c>) or goes cold: node's own start-up is most of a
    /// cold run, so preparing one for a waiting request would save nothing; the pool fills behind it.
    /// </summary>
    public async Task<SandboxOutcome?> TryExecuteAsync(SandboxSpec spec, Func<OutputChunk, ValueTask>? onOutput, CancellationToken ct)
    {
        if (_disposed || !_options.Enabled || !Eligible(spec)) return null;
        Shelf shelf;
        PythonZygote? zygote;
        if (spec.FastPath!.Kind == "node")
        {
            shelf = _node;
            if (shelf.Capacity <= 0) return null;
            zygote = await EnsureZygoteAsync(shelf.Slot, wait: false, ct).ConfigureAwait(false);
        }
        else
        {
            // The standard zygote when the run needs nothing else and it is up; the scientific one
            // serves every Python run (it has the standard library too).
            zygote = null;
            shelf = _scientificPython;
            if (_standardPython is not null)
            {
                var standard = await EnsureZygoteAsync(_standardPython.Slot, wait: false, ct).ConfigureAwait(false);
                if (standard is not null && PythonImports.OnlyStandardLibrary(spec, standard.StandardLibrary))
                    (zygote, shelf) = (standard, _standardPython);
            }
            zygote ??= await EnsureZygoteAsync(_scientificPython.Slot, wait: false, ct).ConfigureAwait(false);
        }
        if (zygote is null)
        {
            var error = shelf.Slot.LastStartError;
            Fallback("no live zygote" + (error is null ? "" : " (last start: " + error + ")"));
            return null;
        }
        if (shelf.Node && spec.Limits.TimeoutMs > _defaultLimits.TimeoutMs)
        {
            Fallback("a JavaScript timeout above the default");
            return null;
        }
        var wanted = Normalized(spec.Limits);
        // The node shelf follows the workload: it prepares for the limits of the JavaScript runs it
        // sees, switching only when it holds nothing prepared for the old ones.
        if (shelf.Node && shelf.Limits != wanted && shelf.Jobs.IsEmpty && Volatile.Read(ref shelf.Preparing) == 0) shelf.Limits = wanted;
        _inFlight.AddOrUpdate(zygote, 1, (_, n) => n + 1);
        try
        {
            // A prepared child serves a request whose cgroup, tmpfs and rlimits it already has: the
            // same limits, except that the timeout may be shorter (Warden's own timer enforces it;
            // the child's CPU-seconds rlimit, set from the default timeout, is then only more
            // generous) and the output cap may differ (Warden enforces it while reading).
            var served = wanted == shelf.Limits && spec.Limits.TimeoutMs <= _defaultLimits.TimeoutMs;
            var job = served ? TakePrepared(shelf, zygote) : null;
            var path = shelf.Node ? "node-prepared" : "zygote";
            if (job is null)
            {
                if (shelf.Node)
                {
                    Fallback("no prepared node sandbox for these limits");
                    return null;
                }
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
            RecycleIfDue(shelf.Slot, zygote);
            // Refill once this run is done, not while it runs: on two cores, preparing the next
            // child (a fork of the zygote) next to a short program doubled its latency.
            Refill(shelf, zygote);
        }
    }

    /// <summary>The limits a prepared child is made with for a request's limits (timeout and output cap are Warden's to enforce).</summary>
    private Limits Normalized(Limits l) => l with { TimeoutMs = _defaultLimits.TimeoutMs, OutputBytes = _defaultLimits.OutputBytes };

    private ZygoteJob? TakePrepared(Shelf shelf, PythonZygote zygote)
    {
        while (shelf.Jobs.TryDequeue(out var job))
        {
            if (job.Zygote == zygote && zygote.Alive) return job;
            Discard(job);
        }
        return null;
    }

    private void Refill(Shelf shelf, PythonZygote zygote)
    {
        while (!_disposed && zygote.Alive && zygote == shelf.Slot.Current && shelf.Limits is { } limits)
        {
            var preparing = Volatile.Read(ref shelf.Preparing);
            if (shelf.Jobs.Count + preparing >= shelf.Capacity || preparing >= _options.RefillConcurrency) return;
            // The idle-memory cap is for the Python children (~1.5 MB each); node's are counted by NodePrepared.
            if (!shelf.Node && IdleMemoryBytes() > (long)_options.MaxIdleMemoryMb << 20) return;
            if (Interlocked.CompareExchange(ref shelf.Preparing, preparing + 1, preparing) != preparing) continue;
            _ = Task.Run(async () =>
            {
                try
                {
                    var job = await zygote.PrepareAsync(limits, CancellationToken.None, shelf.Node).ConfigureAwait(false);
                    if (_disposed || zygote != shelf.Slot.Current || !zygote.Alive) await job.DiscardAsync().ConfigureAwait(false);
                    else shelf.Jobs.Enqueue(job);
                }
                catch (Exception ex) when (ex is SandboxException or IOException or OperationCanceledException or TimeoutException)
                {
                    Debug((shelf.Node ? "preparing a node sandbox" : "prepare") + " failed: " + ex.Message);
                }
                finally
                {
                    Interlocked.Decrement(ref shelf.Preparing);
                }
                Refill(shelf, zygote);
            });
        }
    }

    // From each child's charge when it was prepared: reading every cgroup on every refill cost a
    // dozen kernfs opens per run.
    private long IdleMemoryBytes() => _shelves.Where(s => !s.Node).Sum(s => s.Jobs.Sum(j => j.IdleBytes));

    /// <summary>Takes every prepared child of <paramref name="z"/> (null: of any zygote) off the shelves.</summary>
    private IEnumerable<ZygoteJob> TakeAll(PythonZygote? z)
    {
        foreach (var shelf in _shelves)
            while (shelf.Jobs.TryPeek(out var j) && (z is null || j.Zygote == z) && shelf.Jobs.TryDequeue(out j))
                yield return j;
    }

    private async Task<PythonZygote?> EnsureZygoteAsync(Slot slot, bool wait, CancellationToken ct)
    {
        Task<PythonZygote?> starting;
        lock (slot.Gate)
        {
            if (slot.Current is { Alive: true } z) return z;
            if (slot.Starting is null)
            {
                if (!wait && Environment.TickCount64 - slot.LastFailure < RetryAfterFailure.TotalMilliseconds) return null;
                slot.Starting = StartZygoteAsync(slot);
            }
            starting = slot.Starting;
        }
        if (!wait) return starting.IsCompletedSuccessfully ? starting.Result : null;
        return await starting.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task<PythonZygote?> StartZygoteAsync(Slot slot)
    {
        await Task.Yield(); // the caller holds the slot's lock
        PythonZygote? z = null;
        try
        {
            z = await PythonZygote.StartAsync(slot.Kind, _backend, _ready, _options, CancellationToken.None).ConfigureAwait(false);
            PythonZygote? old;
            lock (slot.Gate)
            {
                old = slot.Current;
                slot.Current = z;
                slot.Starting = null;
            }
            var started = z;
            _ = started.Completion.ContinueWith(_ => OnZygoteEnded(slot, started), TaskScheduler.Default);
            if (old is not null) _ = RetireAsync(old);
            foreach (var shelf in _shelves)
                if (shelf.Slot == slot) Refill(shelf, z);
            return z;
        }
        catch (Exception ex) when (ex is SandboxException or IOException or OperationCanceledException or WardenException)
        {
            slot.LastStartError = ex.Message;
            if (DebugLog.Events) DebugLog.Write("zygote: " + ex.Message);
            lock (slot.Gate)
            {
                slot.Starting = null;
                slot.LastFailure = Environment.TickCount64;
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

    private void OnZygoteEnded(Slot slot, PythonZygote z)
    {
        var o = z.Completion.Result;
        Debug($"{slot.Kind} zygote ended: signal {o.Signal} exit {o.ExitCode} output-limit {o.OutputLimitHit} killed {o.KilledByWarden} timeout {o.TimedOut} oom {o.OomKilled} stderr {o.Stderr}");
        lock (slot.Gate)
        {
            if (slot.Current == z) slot.Current = null;
        }
        foreach (var j in TakeAll(z)) Discard(j);
    }

    private void RecycleIfDue(Slot slot, PythonZygote zygote)
    {
        var due = zygote.Jobs >= _options.MaxJobs || Environment.TickCount64 - zygote.StartedAt > _options.MaxAge.TotalMilliseconds;
        if (!due || _disposed) return;
        lock (slot.Gate)
        {
            if (slot.Current != zygote || slot.Starting is not null) return;
            slot.Starting = StartZygoteAsync(slot);
        }
    }

    private async Task RetireAsync(PythonZygote old)
    {
        foreach (var j in TakeAll(old)) await j.DiscardAsync().ConfigureAwait(false);
        var deadline = Environment.TickCount64 + 3_600_000;
        // (A wedged zygote's runs still end at their deadlines: Warden kills them, not the zygote.)
        while (_inFlight.GetValueOrDefault(old) > 0 && Environment.TickCount64 < deadline && old.Running)
            await Task.Delay(50).ConfigureAwait(false);
        await old.DisposeAsync().ConfigureAwait(false);
        _inFlight.TryRemove(old, out _); // (after: its cgroup counts as long-lived until it is gone)
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        var deadline = Environment.TickCount64 + 10_000;
        while (Preparing && Environment.TickCount64 < deadline) await Task.Delay(5).ConfigureAwait(false);
        foreach (var j in TakeAll(null)) await j.DiscardAsync().ConfigureAwait(false);
        // Runs answered already; their sandboxes' teardown may still be finishing.
        while (Volatile.Read(ref _discarding) > 0 && Environment.TickCount64 < deadline) await Task.Delay(5).ConfigureAwait(false);
        foreach (var slot in _slots)
        {
            Task<PythonZygote?>? starting;
            PythonZygote? current;
            lock (slot.Gate)
            {
                starting = slot.Starting;
                current = slot.Current;
                slot.Current = null;
            }
            if (starting is not null && await starting.ConfigureAwait(false) is { } late && late != current) await late.DisposeAsync().ConfigureAwait(false);
            if (current is not null) await current.DisposeAsync().ConfigureAwait(false);
        }
    }
}
