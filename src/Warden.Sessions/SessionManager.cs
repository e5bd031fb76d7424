using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Warden.Execution;
using Warden.Policy;
using Warden.Sandbox;
using Warden.Sessions.Kernels;

namespace Warden.Sessions;

/// <summary>
/// The sessions of one Warden process: creates them on a sandbox backend, finds them by id and
/// owner, runs the reaper (idle TTL, maximum lifetime, retention of ended sessions), enforces the
/// maximum number of live sessions, and on dispose ends every session and waits until each sandbox
/// is gone. See docs/sessions.md.
/// </summary>
public sealed class SessionManager : ISessionManager
{
    private const int MaxInitCodeBytes = Session.MaxCodeBytes;
    private readonly ISandboxBackend _backend;
    private readonly SessionManagerOptions _options;
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly object _createGate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _reaper;
    private readonly KernelPrograms _programs;
    private readonly PreparedKernels? _prepared;
    private int _disposed;

    /// <summary>Creates a manager over <paramref name="backend"/> (the Linux engine: <c>WardenEngine.SharedBackend</c>).</summary>
    /// <exception cref="InvalidOptionsException">An option is out of its bounds (all are listed).</exception>
    public SessionManager(ISandboxBackend backend, SessionManagerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _options = options ?? new SessionManagerOptions();
        _options.Validate();
        _backend = backend;
        _programs = new KernelPrograms(backend);
        if (_options.PreparedSessions > 0)
        {
            _prepared = new PreparedKernels(backend, _programs, _options);
            _prepared.Refill();
        }
        _reaper = _options.RunReaper ? Task.Run(ReaperLoopAsync) : Task.CompletedTask;
    }

    /// <summary>Prepared kernels ready to be adopted (for tests and status).</summary>
    internal int PreparedReady => _prepared?.ReadyCount ?? 0;

    /// <summary>The options in force.</summary>
    public SessionManagerOptions Options => _options;

    /// <inheritdoc />
    public event EventHandler<SessionEndedEventArgs>? SessionEnded;

    private void OnSessionEnded(Session session)
    {
        if (SessionEnded is not { } handlers) return;
        var args = new SessionEndedEventArgs(session.Snapshot());
        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<SessionEndedEventArgs>>())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A listener's failure must not change how the session ended, nor stop the others.
            }
        }
    }

    /// <inheritdoc />
    public async Task<SessionInfo> CreateAsync(SessionCreateRequest request, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var language = KernelLanguage.Find(request.Language)
            ?? throw new LanguageUnavailableException(request.Language ?? "", $"No session kernel for '{request.Language}'; sessions support python and javascript.");
        if (!_backend.CanExecute(language.Executable))
            throw new LanguageUnavailableException(language.Id, $"{language.Executable} is not installed or not reachable by sandboxes.");
        var limits = (request.Limits ?? new LimitsRequest()).Resolve(_options.DefaultLimits);
        if (limits.MemoryMb < language.MinMemoryMb)
            throw new InvalidRequestException("limits.memoryMb", $"A {language.Id} session needs at least {language.MinMemoryMb} MiB of memory.");
        RunRequestValidator.ValidateEnv(request.Env);
        if (request.InitCode is { } init && System.Text.Encoding.UTF8.GetByteCount(init) > MaxInitCodeBytes)
            throw new InvalidRequestException("initCode", $"At most {MaxInitCodeBytes} bytes.");
        var idle = Seconds("idleTtlSeconds", request.IdleTtlSeconds ?? _options.DefaultIdleTtlSeconds);
        var lifetime = Seconds("maxLifetimeSeconds", request.MaxLifetimeSeconds ?? _options.DefaultMaxLifetimeSeconds);
        var env = new Dictionary<string, string>(language.Env, StringComparer.Ordinal);
        foreach (var (k, v) in request.Env ?? new Dictionary<string, string>()) env[k] = v;

        Session session;
        lock (_createGate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_sessions.Values.Count(s => s.IsLive) >= _options.MaxSessions) throw new SessionLimitException(_options.MaxSessions);
            string id;
            do id = SessionIds.New(); while (_sessions.ContainsKey(id));
            session = new Session(id, owner, language, limits, env, idle, lifetime, _backend, _programs, _options, OnSessionEnded);
            _sessions[id] = session;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        var prepared = _prepared is not null && PreparedKernels.Eligible(language, limits, lifetime, request.Env, _options) ? _prepared.TryTake() : null;
        try
        {
            await session.StartAsync(request.InitCode, prepared, request.Env, linked.Token).ConfigureAwait(false);
        }
        catch
        {
            _sessions.TryRemove(session.Id, out _);
            throw;
        }
        session.Publish();
        return session.Snapshot();
    }

    private int Seconds(string field, int value)
    {
        if (value < 1 || value > _options.MaxLifetimeCeilingSeconds)
            throw new InvalidRequestException(field, $"{field} must be between 1 and {_options.MaxLifetimeCeilingSeconds}.");
        return value;
    }

    /// <inheritdoc />
    public IReadOnlyList<SessionInfo> List(string? owner = null) =>
        _sessions.Values.Where(s => owner is null || s.Owner == owner).Select(s => s.Snapshot()).OrderBy(s => s.CreatedAt).ToList();

    /// <inheritdoc />
    public SessionInfo? Get(string id, string? owner = null) => TryFind(id, owner)?.Snapshot();

    private Session? TryFind(string? id, string? owner) =>
        SessionIds.LooksValid(id) && _sessions.TryGetValue(id!, out var s) && (owner is null || s.Owner == owner) ? s : null;

    private Session Find(string id, string? owner) => TryFind(id, owner) ?? throw new SessionNotFoundException(id);

    /// <summary>The session's recent kernel stderr, for local diagnostics (untrusted text; never send it to remote callers).</summary>
    public string? Diagnostic(string id, string? owner = null) => TryFind(id, owner)?.Diagnostic;

    /// <inheritdoc />
    public async Task<SessionInfo> KillAsync(string id, string? owner, CancellationToken cancellationToken = default)
    {
        var s = Find(id, owner);
        await s.EndAsync(SessionEndReason.Killed).WaitAsync(cancellationToken).ConfigureAwait(false);
        return s.Snapshot();
    }

    /// <inheritdoc />
    public IAsyncEnumerable<CellEvent> ExecuteAsync(string id, string? owner, CellRequest request, CancellationToken cancellationToken = default) =>
        Find(id, owner).ExecuteAsync(request, cancellationToken);

    /// <summary>Runs a cell and returns its result (the outputs are in it).</summary>
    public async Task<CellResult> ExecuteToEndAsync(string id, string? owner, CellRequest request, CancellationToken cancellationToken = default)
    {
        await foreach (var e in ExecuteAsync(id, owner, request, cancellationToken).ConfigureAwait(false))
            if (e is CellCompletedEvent c) return c.Result;
        throw new SandboxException("the cell ended without a result");
    }

    /// <inheritdoc />
    public Task InterruptAsync(string id, string? owner, CancellationToken cancellationToken = default)
    {
        Find(id, owner).Interrupt();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<SessionInfo> RestartAsync(string id, string? owner, CancellationToken cancellationToken = default)
    {
        var s = Find(id, owner);
        await s.RestartAsync(cancellationToken).ConfigureAwait(false);
        return s.Snapshot();
    }

    /// <inheritdoc />
    public IAsyncEnumerable<CommandEvent> RunCommandAsync(string id, string? owner, CommandRequest request, CancellationToken cancellationToken = default) =>
        Find(id, owner).RunCommandAsync(request, cancellationToken);

    /// <summary>Runs a command and returns its result (the output is in it).</summary>
    public async Task<CommandResult> RunCommandToEndAsync(string id, string? owner, CommandRequest request, CancellationToken cancellationToken = default)
    {
        await foreach (var e in RunCommandAsync(id, owner, request, cancellationToken).ConfigureAwait(false))
            if (e is CommandCompletedEvent c) return c.Result;
        throw new SandboxException("the command ended without a result");
    }

    /// <inheritdoc />
    public Task<FileEntry> UploadAsync(string id, string? owner, string path, Stream content, CancellationToken cancellationToken = default) =>
        Find(id, owner).UploadAsync(path, content, cancellationToken);

    /// <inheritdoc />
    public Task<FileDownload> DownloadAsync(string id, string? owner, string path, CancellationToken cancellationToken = default) =>
        Find(id, owner).DownloadAsync(path, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<FileEntry>> ListFilesAsync(string id, string? owner, string? path = null, bool recursive = false, CancellationToken cancellationToken = default) =>
        Find(id, owner).ListFilesAsync(path, recursive, cancellationToken);

    /// <inheritdoc />
    public Task DeleteFileAsync(string id, string? owner, string path, bool recursive = false, CancellationToken cancellationToken = default) =>
        Find(id, owner).DeleteFileAsync(path, recursive, cancellationToken);

    /// <summary>
    /// One pass of the reaper at the clock's current time: closes live sessions past their idle TTL
    /// (reason idle) or lifetime (reason expired), and forgets ended sessions past the retention.
    /// Returns when the sandboxes it closed are gone.
    /// </summary>
    public async Task ReapAsync()
    {
        var now = _options.TimeProvider.GetUtcNow();
        _prepared?.Trim();
        var ending = new List<Task>();
        foreach (var s in _sessions.Values)
        {
            if (s.IsLive)
            {
                if (now >= s.ExpiresAt) ending.Add(s.EndAsync(SessionEndReason.Expired));
                else if (s.IsIdleAt(now)) ending.Add(s.EndAsync(SessionEndReason.Idle));
            }
            else if (s.EndedAt is { } ended && now - ended >= _options.EndedRetention)
            {
                _sessions.TryRemove(s.Id, out _);
            }
        }
        await Task.WhenAll(ending).ConfigureAwait(false);
    }

    private async Task ReaperLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.ReapInterval, _options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_shutdown.Token).ConfigureAwait(false))
            {
                try
                {
                    await ReapAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // One bad pass must not stop the reaper; the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Ends every session (reason shutdown) and returns when every sandbox is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_createGate)
        {
            if (_disposed != 0) return;
            _disposed = 1;
        }
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _reaper.ConfigureAwait(false);
        await Task.WhenAll(_sessions.Values.Select(s => s.EndAsync(SessionEndReason.Shutdown))).ConfigureAwait(false);
        if (_prepared is not null) await _prepared.DisposeAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }
}
