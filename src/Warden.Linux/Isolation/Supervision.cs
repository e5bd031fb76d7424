using Warden.Linux.Native;

namespace Warden.Linux.Isolation;

/// <summary>Why Warden killed a sandbox.</summary>
internal enum KillCause { None, Timeout, OutputLimit, Cancelled, Killed, Cleanup }

/// <summary>
/// Holds a pidfd for the sandbox's outermost process (bubblewrap's monitor) so a kill can never
/// hit a recycled pid. Killing the monitor kills the sandbox's pid namespace (its init has
/// PDEATHSIG); the cgroup sweep afterwards catches anything else. The first cause wins.
/// </summary>
internal sealed class Supervision
{
    private readonly object _gate = new();
    private int _pidfd = -1;

    public KillCause Cause { get; private set; }

    public void Attach(int pid)
    {
        var fd = Libc.PidfdOpen(pid);
        lock (_gate) _pidfd = fd;
        if (fd < 0) throw new SandboxException("pidfd_open failed; Linux 5.3 or later is required.");
    }

    public void Kill(KillCause cause)
    {
        lock (_gate)
        {
            if (_pidfd < 0) return;
            if (Cause == KillCause.None && cause != KillCause.Cleanup) Cause = cause;
            Libc.PidfdSendSignal(_pidfd, Libc.SIGKILL);
        }
    }

    public void Detach()
    {
        lock (_gate)
        {
            if (_pidfd >= 0) Libc.close(_pidfd);
            _pidfd = -1;
        }
    }
}
