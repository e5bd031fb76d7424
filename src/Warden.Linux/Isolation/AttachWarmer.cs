using Warden.Linux.Native;

namespace Warden.Linux.Isolation;

/// <summary>
/// Joining a cgroup takes the kernel's global cgroup_threadgroup_rwsem for writing; when no
/// attach happened for a while, that costs an RCU grace period (measured 10-25 ms here). While
/// sandboxes are being started, a dedicated thread moves itself into a Warden cgroup and back
/// every 20 ms, which keeps the lock in its writer-friendly state so each sandbox's attach
/// costs well under a millisecond. It stops 10 s after the last sandbox start. See
/// docs/decisions.md; on cgroup v2 hosts the mount option <c>favordynmods</c> does the same.
/// </summary>
internal sealed class AttachWarmer : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(10);
    private readonly string _into;
    private readonly string _back;
    private readonly object _gate = new();
    private long _lastUse;
    private Thread? _thread;
    private bool _disposed;

    public AttachWarmer(string intoTasks, string backTasks)
    {
        _into = intoTasks;
        _back = backTasks;
    }

    /// <summary>Marks a sandbox start; starts the thread if it is not running.</summary>
    public void Touch()
    {
        Volatile.Write(ref _lastUse, Environment.TickCount64);
        lock (_gate)
        {
            if (_thread is not null || _disposed) return;
            _thread = new Thread(Loop) { IsBackground = true, Name = "warden-cgroup-warmer" };
            _thread.Start();
        }
    }

    private void Loop()
    {
        var tid = Libc.GetTid().ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            while (!Volatile.Read(ref _disposed) && Environment.TickCount64 - Volatile.Read(ref _lastUse) < IdleAfter.TotalMilliseconds)
            {
                if (!TryMove(_into, tid)) break;
                Thread.Sleep(Period);
                TryMove(_back, tid);
                Thread.Sleep(Period);
            }
        }
        finally
        {
            TryMove(_back, tid);
            lock (_gate) _thread = null;
        }
    }

    // An explicit tid (not "0") so the kernel takes the global lock, which is the point.
    private static bool TryMove(string tasks, string tid) => Cgroups.CgroupFs.TryWrite(tasks, tid);

    public void Dispose()
    {
        Thread? t;
        lock (_gate)
        {
            _disposed = true;
            t = _thread;
        }
        t?.Join(TimeSpan.FromSeconds(1));
    }
}
