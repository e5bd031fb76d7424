using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Warden.Sessions.Protocol;

namespace Warden.Sessions;

internal sealed partial class Session
{
    /// <summary>Most UTF-8 bytes of one cell's code.</summary>
    public const int MaxCodeBytes = 4 << 20;

    public async IAsyncEnumerable<CellEvent> ExecuteAsync(CellRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Validate(request);
        LiveConnection();
        await _cellLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        var events = Channel.CreateUnbounded<CellEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        try
        {
            LiveConnection();
        }
        catch
        {
            _cellLock.Release();
            throw;
        }
        // The cell runs on its own (its timeout applies whoever listens); this enumerator only relays.
        _ = RunCellAsync(request, silent: false, events.Writer);
        var completed = false;
        try
        {
            await foreach (var e in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (e is CellCompletedEvent) completed = true;
                yield return e;
            }
        }
        finally
        {
            if (!completed) Interrupt(); // the caller stopped listening: stop the cell
        }
    }

    /// <summary>Runs a cell and returns its result (outputs are in the result).</summary>
    public async Task<CellResult> RunToEndAsync(CellRequest request, bool silent, CancellationToken cancellationToken)
    {
        Validate(request);
        LiveConnection();
        await _cellLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        var events = Channel.CreateUnbounded<CellEvent>();
        return await RunCellAsync(request, silent, events.Writer).ConfigureAwait(false);
    }

    private void Validate(CellRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Code is null) throw new InvalidRequestException("code", "code is required.");
        if (Encoding.UTF8.GetByteCount(request.Code) > MaxCodeBytes) throw new InvalidRequestException("code", $"A cell may hold at most {MaxCodeBytes} bytes of code.");
        if (request.TimeoutMs is { } t && (t < Policy.LimitsRequest.Bounds.MinTimeoutMs || t > Policy.LimitsRequest.Bounds.MaxTimeoutMs))
            throw new InvalidRequestException("timeoutMs", $"timeoutMs must be between {Policy.LimitsRequest.Bounds.MinTimeoutMs} and {Policy.LimitsRequest.Bounds.MaxTimeoutMs}.");
    }

    /// <summary>Runs one cell while holding the cell lock, which it releases at the end (unless <paramref name="keepLock"/>: the caller releases it).</summary>
    private async Task<CellResult> RunCellAsync(CellRequest request, bool silent, ChannelWriter<CellEvent> events, bool keepLock = false)
    {
        var conn = _conn!;
        int count;
        lock (_gate)
        {
            if (!silent) _executionCount++;
            count = _executionCount;
            if (_state == SessionState.Idle) _state = SessionState.Busy;
            _activeOps++;
            _lastActivity = _time.GetUtcNow();
        }
        var started = Stopwatch.GetTimestamp();
        var acc = new CellAccumulator(count, Limits.OutputBytes, _options.MaxRichOutputBytes);
        var status = CellStatus.Ok;
        CellReason? reason = null;
        IReadOnlyList<ChangedFile> changed = [];
        var deadline = new CellDeadline(this, conn, TimeSpan.FromMilliseconds(request.TimeoutMs ?? Limits.TimeoutMs), _options.InterruptGrace, _time);
        try
        {
            using var op = conn.Begin();
            try
            {
                await conn.SendAsync(new KernelRequest
                {
                    Op = "execute", Id = op.Id, Code = request.Code, Count = count, Silent = silent ? true : null,
                    MaxOutputBytes = Limits.OutputBytes,
                }).ConfigureAwait(false);
                deadline.Start();
                while (true)
                {
                    var m = await op.ReadAsync().ConfigureAwait(false);
                    if (m.Type == "done")
                    {
                        status = m.Status == "ok" ? CellStatus.Ok : CellStatus.Error;
                        if (status == CellStatus.Error)
                            reason = deadline.Interrupted ? CellReason.Timeout
                                : m.Reason == "interrupted" ? CellReason.Interrupted
                                : CellReason.Exception;
                        changed = ToChangedFiles(m.ChangedFiles);
                        break;
                    }
                    if (acc.Add(m) is { } output) events.TryWrite(new CellOutputEvent(output));
                }
            }
            catch (KernelGoneException gone)
            {
                status = CellStatus.Lost;
                reason = LostReason(conn, gone.End);
                await WhenEndRecordedAsync().ConfigureAwait(false);
            }
            catch (KernelRestartedException)
            {
                status = CellStatus.Lost;
                reason = CellReason.Killed;
            }
        }
        catch (Exception ex)
        {
            events.TryComplete(ex); // never leave a listener waiting
            throw;
        }
        finally
        {
            deadline.Dispose();
            lock (_gate)
            {
                if (_state == SessionState.Busy) _state = SessionState.Idle;
                _activeOps--;
                _lastActivity = _time.GetUtcNow();
            }
            if (!keepLock) _cellLock.Release();
        }
        var result = new CellResult
        {
            ExecutionCount = count,
            Status = status,
            Reason = reason,
            Outputs = acc.Outputs(),
            ChangedFiles = changed,
            OutputTruncated = acc.Truncated,
            WallMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
        events.TryWrite(new CellCompletedEvent(result));
        events.TryComplete();
        return result;
    }

    private CellReason LostReason(KernelConnection conn, KernelEnd end)
    {
        OnKernelEnded(conn, end);
        lock (_gate)
        {
            if (_replacing) return CellReason.Killed;
            return _reason switch
            {
                SessionEndReason.Memory => CellReason.Memory,
                SessionEndReason.Pids => CellReason.Pids,
                SessionEndReason.Timeout => CellReason.Timeout,
                SessionEndReason.Crashed => CellReason.Crashed,
                _ => CellReason.Killed,
            };
        }
    }

    private static List<ChangedFile> ToChangedFiles(List<KernelChangedFile>? files)
    {
        var result = new List<ChangedFile>();
        if (files is null) return result;
        foreach (var f in files)
        {
            if (result.Count >= 10_000) break;
            if (f.Change is not ("created" or "modified" or "deleted") || f.Type is not ("file" or "symlink" or "other")) continue;
            if (WorkspacePaths.Normalize(f.Path) is not { } path) continue;
            result.Add(new ChangedFile(path, Math.Max(0, f.Size), f.Type, f.Change));
        }
        return result;
    }

    /// <summary>Interrupts the running cell; no-op when none runs.</summary>
    public void Interrupt()
    {
        KernelConnection? conn;
        lock (_gate)
        {
            if (_state != SessionState.Busy) return;
            conn = _conn;
        }
        conn?.Interrupt();
    }

    /// <summary>Called by a cell's deadline when the interrupt did not stop it: the kernel is killed, the session lost.</summary>
    internal void KillForTimeout(KernelConnection conn)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(conn, _conn)) return;
            _ending ??= SessionEndReason.Timeout;
        }
        conn.Kill();
    }
}
