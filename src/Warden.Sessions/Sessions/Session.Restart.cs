using System.Threading.Channels;

namespace Warden.Sessions;

internal sealed partial class Session
{
    /// <summary>
    /// Restarts the kernel in place (same sandbox and files). A running cell is interrupted first;
    /// if it does not stop within the grace period, the sandbox is killed and replaced by a fresh one.
    /// Either way the fresh kernel runs the session's init code again, as at creation, before any
    /// other cell; if the init code fails now, the session stays live (restarted, without it) and
    /// <see cref="SessionInitException"/> says why.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        var conn = LiveConnection();
        var replace = false;
        if (!_cellLock.Wait(0))
        {
            Interrupt();
            if (!await _cellLock.WaitAsync(_options.InterruptGrace, cancellationToken).ConfigureAwait(false))
            {
                lock (_gate) _replacing = true;
                conn.Kill();
                await _cellLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                replace = true;
            }
        }
        try
        {
            conn = replace ? conn : LiveConnection();
            lock (_gate)
            {
                if (_state is SessionState.Lost or SessionState.Closed) throw Ended();
                _state = SessionState.Starting;
                _lastActivity = _time.GetUtcNow();
            }
            try
            {
                if (replace)
                {
                    await conn.Ended.ConfigureAwait(false);
                    lock (_gate) _startInFlight = true;
                    await StartKernelAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await conn.RestartAsync(_options.StartTimeout).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lock (_gate) _replacing = false;
                await EndAsync(SessionEndReason.Crashed, "The kernel did not come back after a restart.").ConfigureAwait(false);
                throw Ended();
            }
            lock (_gate) _executionCount = 0;
            // The init code runs before any queued cell: the lock is held throughout.
            var init = _initCode is { } code
                ? await RunCellAsync(new CellRequest { Code = code }, silent: true, Channel.CreateUnbounded<CellEvent>().Writer, keepLock: true).ConfigureAwait(false)
                : null;
            if (init is { Status: CellStatus.Lost }) throw Ended();
            lock (_gate)
            {
                if (_state == SessionState.Starting) _state = SessionState.Idle;
                _lastActivity = _time.GetUtcNow();
            }
            if (init is { Status: not CellStatus.Ok })
                throw new SessionInitException("The kernel restarted, but " + InitFailure(init) + "; the session is live without it.");
        }
        finally
        {
            _cellLock.Release();
        }
    }
}
