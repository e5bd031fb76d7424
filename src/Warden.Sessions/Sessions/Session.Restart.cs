namespace Warden.Sessions;

internal sealed partial class Session
{
    /// <summary>
    /// Restarts the kernel in place (same sandbox and files). A running cell is interrupted first;
    /// if it does not stop within the grace period, the sandbox is killed and replaced by a fresh one.
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
            lock (_gate)
            {
                _executionCount = 0;
                if (_state == SessionState.Starting) _state = SessionState.Idle;
                _lastActivity = _time.GetUtcNow();
            }
        }
        finally
        {
            _cellLock.Release();
        }
    }
}
