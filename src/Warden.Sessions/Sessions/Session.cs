using System.Globalization;
using Warden.Policy;
using Warden.Sandbox;
using Warden.Sessions.Kernels;
using Warden.Sessions.Protocol;

namespace Warden.Sessions;

/// <summary>
/// One session: a sandbox running a kernel, its state machine (starting, idle, busy, lost, closed),
/// and the operations on it (cells, files, commands: partial files by concern). The sandbox is
/// reached only through <see cref="KernelConnection"/>; when it ends, the session is lost (or closed,
/// when we ended it on purpose) and never silently restarted.
/// </summary>
internal sealed partial class Session
{
    private readonly ISandboxBackend _backend;
    private readonly SessionManagerOptions _options;
    private readonly KernelLanguage _language;
    private readonly KernelPrograms _programs;
    private SandboxSpec _spec;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _cellLock = new(1, 1);
    private readonly SemaphoreSlim _commandSlots;
    private readonly TaskCompletionSource _gone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StderrTail _stderr = new();
    private KernelConnection? _conn;
    private SessionState _state = SessionState.Starting;
    private SessionEndReason? _reason;
    private SessionEndReason? _ending;
    private string? _message;
    private int _executionCount;
    private int _activeOps;
    private bool _replacing;
    private bool _startInFlight = true;
    private DateTimeOffset _lastActivity;
    private DateTimeOffset? _endedAt;
    private readonly Action<Session> _onEnded;
    private bool _published;
    private string? _initCode;

    public Session(string id, string owner, KernelLanguage language, Limits limits, IReadOnlyDictionary<string, string> env,
        int idleTtlSeconds, int maxLifetimeSeconds, ISandboxBackend backend, KernelPrograms programs, SessionManagerOptions options,
        Action<Session> onEnded)
    {
        _onEnded = onEnded;
        _programs = programs;
        Id = id;
        Owner = owner;
        _language = language;
        Limits = limits;
        IdleTtlSeconds = idleTtlSeconds;
        _backend = backend;
        _options = options;
        _time = options.TimeProvider;
        CreatedAt = _lastActivity = _time.GetUtcNow();
        ExpiresAt = CreatedAt.AddSeconds(maxLifetimeSeconds);
        _commandSlots = new SemaphoreSlim(options.MaxConcurrentCommands, options.MaxConcurrentCommands);
        // The sandbox outlives the session's lifetime by a margin: the reaper closes it first, cleanly.
        var lifetimeMs = (int)Math.Min(int.MaxValue, (maxLifetimeSeconds + 60L) * 1000);
        _spec = new SandboxSpec
        {
            Argv = [],
            Env = env,
            Limits = limits with { TimeoutMs = lifetimeMs },
            ExtraPids = language.ExtraPids,
            Phase = "session",
        };
    }

    public string Id { get; }
    public string Owner { get; }
    public Limits Limits { get; }
    public int IdleTtlSeconds { get; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The last lines the kernel wrote to its stderr (for local diagnostics only: it is untrusted text).</summary>
    public string Diagnostic => _stderr.Text;

    /// <summary>Completes when the session has ended and its sandbox is gone.</summary>
    public Task Gone => _gone.Task;

    public bool IsLive
    {
        get
        {
            lock (_gate) return _state is SessionState.Starting or SessionState.Idle or SessionState.Busy;
        }
    }

    public DateTimeOffset? EndedAt
    {
        get
        {
            lock (_gate) return _endedAt;
        }
    }

    /// <summary>Whether the reaper should close it as idle at <paramref name="now"/>.</summary>
    public bool IsIdleAt(DateTimeOffset now)
    {
        lock (_gate)
            return _state == SessionState.Idle && _activeOps == 0 && now - _lastActivity >= TimeSpan.FromSeconds(IdleTtlSeconds);
    }

    public SessionInfo Snapshot()
    {
        lock (_gate)
        {
            return new SessionInfo
            {
                Id = Id,
                Owner = Owner,
                Language = _language.Id,
                State = _state,
                Reason = _reason,
                Message = _message,
                ExecutionCount = _executionCount,
                Limits = Limits,
                CreatedAt = CreatedAt,
                LastActivityAt = _lastActivity,
                EndedAt = _endedAt,
                IdleTtlSeconds = IdleTtlSeconds,
                ExpiresAt = ExpiresAt,
                MemoryBytes = _conn is { } c && _state is SessionState.Idle or SessionState.Busy ? c.MemoryBytes : 0,
            };
        }
    }

    /// <summary>
    /// Makes the session known to its manager's listeners: from now on its end is announced (at
    /// once if it has already ended). A session whose creation failed is never announced.
    /// </summary>
    public void Publish()
    {
        bool endedAlready;
        lock (_gate)
        {
            _published = true;
            endedAlready = _state is SessionState.Lost or SessionState.Closed;
        }
        if (endedAlready) _onEnded(this);
    }

    /// <summary>Starts the sandbox and kernel, then runs the init code; throws <see cref="SessionStartException"/> on failure (the session has then ended).</summary>
    public async Task StartAsync(string? initCode, PreparedKernel? prepared, IReadOnlyDictionary<string, string>? env, CancellationToken cancellationToken)
    {
        _initCode = string.IsNullOrEmpty(initCode) ? null : initCode;
        try
        {
            if (prepared is not null) await AdoptAsync(prepared, env, cancellationToken).ConfigureAwait(false);
            else await StartKernelAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await EndAsync(SessionEndReason.Crashed, "The kernel did not start.").ConfigureAwait(false);
            throw ex as WardenException ?? new SessionStartException("The session's kernel did not start: " + ex.Message, ex);
        }
        catch (OperationCanceledException)
        {
            await EndAsync(SessionEndReason.Shutdown).ConfigureAwait(false);
            throw;
        }
        if (!string.IsNullOrEmpty(initCode))
        {
            var result = await RunToEndAsync(new CellRequest { Code = initCode }, silent: true, cancellationToken).ConfigureAwait(false);
            if (result.Status != CellStatus.Ok)
            {
                var error = result.Outputs.OfType<ErrorOutput>().FirstOrDefault();
                await EndAsync(SessionEndReason.Killed, "The init code failed.").ConfigureAwait(false);
                throw new SessionStartException("The session did not start: " + InitFailure(result) + ".");
            }
        }
        lock (_gate)
        {
            if (_state == SessionState.Starting) _state = SessionState.Idle;
        }
    }

    /// <summary>What went wrong with the init code, in the caller's terms ("the init code raised NameError: ...").</summary>
    private static string InitFailure(CellResult result) =>
        result.Outputs.OfType<ErrorOutput>().FirstOrDefault() is { } error
            ? $"the init code raised {error.Ename}: {error.Evalue}"
            : $"the init code did not complete ({(result.Reason is { } r ? Names.Of(r) : "unknown")})";

    private async Task StartKernelAsync(CancellationToken cancellationToken)
    {
        IInteractiveSandbox sandbox;
        try
        {
            _spec = _spec with { Argv = await _programs.ArgvAsync(_language).ConfigureAwait(false) };
            sandbox = await _backend.StartAsync(_spec, chunk =>
            {
                _stderr.Append(chunk.Text);
                return ValueTask.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate) _startInFlight = false;
            throw;
        }
        Attach(KernelConnection.Attach(sandbox, _options.MaxMessageBytes));
        await _conn!.WaitReadyAsync(_options.StartTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes over a kernel started ahead (already ready) and gives it this session's variables.</summary>
    private async Task AdoptAsync(PreparedKernel prepared, IReadOnlyDictionary<string, string>? env, CancellationToken cancellationToken)
    {
        _spec = prepared.Spec;
        _stderr = prepared.Stderr;
        Attach(prepared.Connection);
        if (env is not { Count: > 0 }) return;
        using var op = prepared.Connection.Begin();
        await prepared.Connection.SendAsync(new KernelRequest { Op = "configure", Id = op.Id, Env = env }, cancellationToken).ConfigureAwait(false);
        if ((await op.ReadAsync(cancellationToken).ConfigureAwait(false)).Type != "ok")
            throw new SessionStartException("The prepared kernel did not take the session's environment.");
    }

    private void Attach(KernelConnection conn)
    {
        bool endNow;
        lock (_gate)
        {
            _conn = conn;
            _startInFlight = false;
            _replacing = false;
            endNow = _ending is not null;
        }
        _ = conn.Ended.ContinueWith(t => OnKernelEnded(conn, t.Result), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (endNow) conn.Kill(); // ended while the sandbox was starting
    }

    /// <summary>
    /// Records how the kernel's sandbox ended. Idempotent; ignores a connection that a restart
    /// replaced. A kernel we did not end on purpose makes the session lost, with the reason the
    /// engine observed. The call that records the end announces it, then (and only then, so that
    /// whoever waits for <see cref="Gone"/> finds the end announced) completes <see cref="Gone"/>.
    /// </summary>
    private void OnKernelEnded(KernelConnection conn, KernelEnd end)
    {
        // Two callers can race here (the connection's own continuation and a cell that saw the
        // kernel go): one records and announces the end; the other must not answer before the
        // announcement is made (see WhenEndRecordedAsync).
        bool final, ended = false, announce = false;
        lock (_gate)
        {
            final = ReferenceEquals(conn, _conn) && !_replacing;
            if (final && _state is not (SessionState.Lost or SessionState.Closed))
            {
                if (_ending is { } reason)
                {
                    _reason = reason;
                    _state = IsLoss(reason) ? SessionState.Lost : SessionState.Closed;
                    if (reason == SessionEndReason.Timeout)
                        _message ??= "A cell ran past its timeout and did not stop when interrupted; the kernel was killed.";
                }
                else
                {
                    (_reason, _message) = Classify(end);
                    _state = SessionState.Lost;
                }
                _endedAt = _time.GetUtcNow();
                ended = true;
                announce = _published;
            }
        }
        if (announce) _onEnded(this);
        if (ended) _endRecorded.TrySetResult();
        _ = DisposeConnectionAsync(conn, final && ended);
    }

    private async Task DisposeConnectionAsync(KernelConnection conn, bool completesGone)
    {
        try
        {
            await conn.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            if (completesGone) _gone.TrySetResult();
        }
    }

    private static bool IsLoss(SessionEndReason r) => r is SessionEndReason.Memory or SessionEndReason.Pids or SessionEndReason.Timeout or SessionEndReason.Crashed;

    private (SessionEndReason, string) Classify(KernelEnd end)
    {
        var o = end.Outcome;
        if (end.ProtocolError is { } p) return (SessionEndReason.Crashed, "The kernel broke the protocol (" + p + ") and was killed.");
        if (!o.Started) return (SessionEndReason.Crashed, o.SetupError ?? "The sandbox could not be set up.");
        if (o.OomKilled) return (SessionEndReason.Memory, $"The session went past its memory limit of {Limits.MemoryMb} MiB; the kernel was killed.");
        if (o.PidsLimitHit) return (SessionEndReason.Pids, $"The session hit its limit of {Limits.Pids} tasks and the kernel died.");
        if (o.TimedOut) return (SessionEndReason.Timeout, "The session's sandbox reached its maximum lifetime.");
        var how = o.Signal is { } s ? "was killed by " + OutcomeClassifier.SignalName(s) : "exited with code " + (o.ExitCode ?? -1).ToString(CultureInfo.InvariantCulture);
        return (SessionEndReason.Crashed, "The kernel " + how + ".");
    }

    // Completed once the end is recorded and announced to the manager's listeners.
    private readonly TaskCompletionSource _endRecorded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Once the session has ended, completes when its end has been announced, so that a call that
    /// saw the end answers only after every listener (the server's store) has heard of it.
    /// </summary>
    private Task WhenEndRecordedAsync()
    {
        lock (_gate) return _state is SessionState.Lost or SessionState.Closed ? _endRecorded.Task : Task.CompletedTask;
    }

    /// <summary>Ends the session on purpose and waits until its sandbox is gone. No-op once ended.</summary>
    public async Task EndAsync(SessionEndReason reason, string? message = null)
    {
        KernelConnection? conn;
        bool announce = false, goneNow = false;
        lock (_gate)
        {
            if (_state is SessionState.Lost or SessionState.Closed) conn = null;
            else
            {
                _ending ??= reason;
                _message ??= message;
                conn = _conn;
                if (conn is null)
                {
                    // Nothing was started (or the start is still in flight and will see _ending).
                    if (_state == SessionState.Starting && !_startInFlight)
                    {
                        _reason = reason;
                        _state = IsLoss(reason) ? SessionState.Lost : SessionState.Closed;
                        _endedAt = _time.GetUtcNow();
                        announce = _published;
                        goneNow = true;
                    }
                }
            }
        }
        if (announce) _onEnded(this);
        if (goneNow)
        {
            _endRecorded.TrySetResult();
            _gone.TrySetResult();
        }
        if (conn is not null)
        {
            conn.Kill();
            var end = await conn.Ended.ConfigureAwait(false);
            OnKernelEnded(conn, end);
        }
        await _gone.Task.ConfigureAwait(false);
    }

    /// <summary>The connection of a live session; throws <see cref="SessionEndedException"/> otherwise.</summary>
    private KernelConnection LiveConnection()
    {
        lock (_gate)
        {
            if (_state is SessionState.Lost or SessionState.Closed || _conn is null) throw Ended();
            return _conn;
        }
    }

    private SessionEndedException Ended()
    {
        lock (_gate) return new SessionEndedException(Id, _state is SessionState.Lost ? SessionState.Lost : SessionState.Closed, _reason);
    }

    /// <summary>Marks an operation in flight (the session is not idle while it runs).</summary>
    private Activity BeginActivity()
    {
        lock (_gate)
        {
            _activeOps++;
            _lastActivity = _time.GetUtcNow();
        }
        return new Activity(this);
    }

    private void EndActivity()
    {
        lock (_gate)
        {
            _activeOps--;
            _lastActivity = _time.GetUtcNow();
        }
    }

    /// <summary>Ends an activity when disposed.</summary>
    private readonly struct Activity(Session session) : IDisposable
    {
        public void Dispose() => session.EndActivity();
    }

    /// <summary>Maps the connection's failures to the public exceptions.</summary>
    private Exception Translate(Exception ex) => ex switch
    {
        KernelGoneException gone => EndedAfter(gone),
        KernelRestartedException => new WardenException("session-restarted", "The session's kernel was restarted during the operation."),
        _ => ex,
    };

    private SessionEndedException EndedAfter(KernelGoneException gone)
    {
        if (_conn is { } c) OnKernelEnded(c, gone.End);
        return Ended();
    }
}
