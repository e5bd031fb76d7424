using Warden.Sessions.Protocol;

namespace Warden.Sessions;

/// <summary>A cell's timeout: first an interrupt, then, after the grace period, the kernel is killed.</summary>
internal sealed class CellDeadline(Session session, KernelConnection conn, TimeSpan timeout, TimeSpan grace, TimeProvider time) : IDisposable
{
    private ITimer? _timer;
    private int _stage;

    /// <summary>Whether the timeout fired (the cell was interrupted because of it).</summary>
    public bool Interrupted => Volatile.Read(ref _stage) >= 1;

    public void Start() => _timer = time.CreateTimer(_ => Fire(), null, timeout, Timeout.InfiniteTimeSpan);

    private void Fire()
    {
        switch (Interlocked.Increment(ref _stage))
        {
            case 1:
                conn.Interrupt();
                _timer?.Change(grace, Timeout.InfiniteTimeSpan);
                break;
            case 2:
                session.KillForTimeout(conn);
                break;
        }
    }

    public void Dispose() => _timer?.Dispose();
}
