using Warden.Policy;

namespace Warden.Linux.Cgroups;

/// <summary>
/// Creates cgroups ahead of requests (issue 3: cgroup set-up off the request path): after a
/// sandbox takes a cgroup of some shape (memory, CPUs, pids), one more of that shape is created
/// in the background, for the next request. Empty, fresh and root-owned, a reserved cgroup is as
/// good as one made on the spot; it is used once, like any other. At most a few shapes are
/// kept; all are removed on dispose.
/// </summary>
internal sealed class CgroupReserve : ICgroupDriver, IDisposable
{
    /// <summary>Shapes kept made ahead at most (one empty cgroup each).</summary>
    internal const int MaxShapes = 4;
    private readonly ICgroupDriver _inner;
    private readonly Func<string> _names;
    private readonly object _gate = new();
    private readonly Dictionary<(int MemoryMb, double Cpus, int Pids), SandboxCgroup> _reserved = [];
    private readonly Dictionary<(int, double, int), string> _creating = [];
    private bool _disposed;

    public CgroupReserve(ICgroupDriver inner, Func<string> names)
    {
        _inner = inner;
        _names = names;
    }

    public string Version => _inner.Version;

    public (string Into, string Back)? WarmTasksFiles => _inner.WarmTasksFiles;

    public int SweepStale() => _inner.SweepStale();

    public void RemoveOwnParent() => _inner.RemoveOwnParent();

    /// <summary>How many cgroups are made and waiting (not counting those being made).</summary>
    public int ReadyCount
    {
        get { lock (_gate) return _reserved.Count; }
    }

    /// <summary>Names of the reserved (empty, waiting) cgroups, and of those being made.</summary>
    public IEnumerable<string> ReservedNames()
    {
        lock (_gate)
            return _reserved.Values.SelectMany(c => c.Dirs).Select(Path.GetFileName).OfType<string>().Concat(_creating.Values).Distinct().ToList();
    }

    public SandboxCgroup Create(string name, Limits limits, int pidsMax)
    {
        var shape = (limits.MemoryMb, limits.Cpus, pidsMax);
        SandboxCgroup? taken;
        lock (_gate)
        {
            _reserved.Remove(shape, out taken);
            if (!_disposed && !_creating.ContainsKey(shape))
            {
                var ahead = _names();
                _creating[shape] = ahead;
                _ = Task.Run(() => Reserve(shape, ahead, limits, pidsMax));
            }
        }
        return taken ?? _inner.Create(name, limits, pidsMax);
    }

    private void Reserve((int, double, int) shape, string name, Limits limits, int pidsMax)
    {
        SandboxCgroup? made = null;
        try
        {
            made = _inner.Create(name, limits, pidsMax);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SandboxException)
        {
            // The next request creates its own, and reports the failure if it persists.
        }
        lock (_gate)
        {
            _creating.Remove(shape);
            if (made is null) return;
            if (!_disposed && !_reserved.ContainsKey(shape))
            {
                if (_reserved.Count >= MaxShapes)
                {
                    // Another shape waiting makes room.
                    var (oldest, cgroup) = _reserved.First();
                    _reserved.Remove(oldest);
                    cgroup.TryRemove();
                }
                _reserved[shape] = made;
                return;
            }
        }
        made.TryRemove();
    }

    public void Dispose()
    {
        List<SandboxCgroup> left;
        lock (_gate) _disposed = true;
        // Let a creation in flight finish (it removes what it made, now that we are disposed).
        var deadline = Environment.TickCount64 + 5000;
        while (Environment.TickCount64 < deadline)
        {
            lock (_gate) if (_creating.Count == 0) break;
            Thread.Sleep(1);
        }
        lock (_gate)
        {
            left = [.. _reserved.Values];
            _reserved.Clear();
        }
        foreach (var c in left) c.TryRemove();
    }
}
