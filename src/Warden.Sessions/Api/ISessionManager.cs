namespace Warden.Sessions;

/// <summary>
/// Stateful sessions: each one sandbox (one cgroup; the limits apply to the whole session) running a
/// kernel that keeps state between cells. <c>owner</c> is an opaque principal id: a session of another
/// owner is "not found"; a null owner (administrators) sees every session. Operations on an unknown
/// id throw <see cref="SessionNotFoundException"/>, on an ended session <see cref="SessionEndedException"/>.
/// Disposing ends every session and waits until each sandbox is gone.
/// </summary>
public interface ISessionManager : IAsyncDisposable
{
    /// <summary>
    /// Raised once for every session that ends, whatever ended it — kill, idle TTL, lifetime, a lost
    /// kernel (memory, tasks, a crash, a cell that ignored its timeout's interrupt), a failed restart,
    /// or the manager's disposal — as soon as the end is recorded and before <see cref="KillAsync"/> or
    /// <see cref="IAsyncDisposable.DisposeAsync"/> return. Not raised for a session whose
    /// <see cref="CreateAsync"/> failed. Handlers run on the thread that saw the end, must be quick,
    /// and must not call back into the manager; exceptions they throw are ignored.
    /// </summary>
    event EventHandler<SessionEndedEventArgs>? SessionEnded;

    /// <summary>Starts a session and runs its init code; returns when it is idle.</summary>
    /// <exception cref="InvalidRequestException">The request is malformed or a limit is out of bounds.</exception>
    /// <exception cref="SessionLimitException">Too many live sessions.</exception>
    /// <exception cref="SessionStartException">The kernel did not start or the init code failed.</exception>
    Task<SessionInfo> CreateAsync(SessionCreateRequest request, string owner, CancellationToken cancellationToken = default);

    /// <summary>Sessions visible to <paramref name="owner"/> (all when null), live and recently ended.</summary>
    IReadOnlyList<SessionInfo> List(string? owner = null);

    /// <summary>One session, or null when it is not visible to <paramref name="owner"/>.</summary>
    SessionInfo? Get(string id, string? owner = null);

    /// <summary>Ends a session now (state closed, reason killed); kills and reaps its sandbox. Ending an ended session is a no-op.</summary>
    Task<SessionInfo> KillAsync(string id, string? owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a cell (queued behind a running one) and streams its outputs, ending with a
    /// <see cref="CellCompletedEvent"/>. Cancelling (or abandoning the enumeration) interrupts the cell.
    /// </summary>
    IAsyncEnumerable<CellEvent> ExecuteAsync(string id, string? owner, CellRequest request, CancellationToken cancellationToken = default);

    /// <summary>Interrupts the running cell (SIGINT: KeyboardInterrupt in Python); the session keeps its state. No-op when idle.</summary>
    Task InterruptAsync(string id, string? owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Restarts the kernel: its state is cleared and the execution count reset; the sandbox, limits and
    /// files stay. A cell that does not stop on interrupt is killed with the whole sandbox, which is then
    /// replaced by a fresh one (its workspace is empty).
    /// </summary>
    Task<SessionInfo> RestartAsync(string id, string? owner, CancellationToken cancellationToken = default);

    /// <summary>Runs a command in the session's sandbox, streaming its output, ending with a <see cref="CommandCompletedEvent"/>. Cancelling kills it.</summary>
    IAsyncEnumerable<CommandEvent> RunCommandAsync(string id, string? owner, CommandRequest request, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> (relative to /workspace), creating parent directories, replacing a file.</summary>
    Task<FileEntry> UploadAsync(string id, string? owner, string path, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens a regular file of the workspace for reading (never through a link). Dispose the download.</summary>
    Task<FileDownload> DownloadAsync(string id, string? owner, string path, CancellationToken cancellationToken = default);

    /// <summary>Lists a directory of the workspace (the root when <paramref name="path"/> is null), optionally recursively.</summary>
    Task<IReadOnlyList<FileEntry>> ListFilesAsync(string id, string? owner, string? path = null, bool recursive = false, CancellationToken cancellationToken = default);

    /// <summary>Deletes a file, a link (not its target) or a directory (with <paramref name="recursive"/> when not empty).</summary>
    Task DeleteFileAsync(string id, string? owner, string path, bool recursive = false, CancellationToken cancellationToken = default);
}
