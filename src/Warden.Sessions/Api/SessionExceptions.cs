namespace Warden.Sessions;

/// <summary>No session with this id is visible to this owner (it never existed, was removed, or belongs to someone else).</summary>
public sealed class SessionNotFoundException(string id) : WardenException("session-not-found", "No such session.")
{
    /// <summary>The id asked for.</summary>
    public string Id { get; } = id;
}

/// <summary>The manager already holds its maximum number of live sessions.</summary>
public sealed class SessionLimitException(int max) : WardenException("too-many-sessions", $"At most {max} sessions may be live at once; close one first.")
{
    /// <summary>The limit.</summary>
    public int Max { get; } = max;
}

/// <summary>The session has ended (lost or closed): it runs nothing more.</summary>
public sealed class SessionEndedException(string id, SessionState state, SessionEndReason? reason)
    : WardenException("session-ended", $"The session has ended ({(state == SessionState.Lost ? "lost" : "closed")}{(reason is { } r ? ": " + Names.Of(r) : "")}).")
{
    /// <summary>The session.</summary>
    public string Id { get; } = id;
    /// <summary>Lost or closed.</summary>
    public SessionState State { get; } = state;
    /// <summary>Why.</summary>
    public SessionEndReason? Reason { get; } = reason;
}

/// <summary>The session could not be started: the sandbox or kernel failed, or the init code raised.</summary>
public sealed class SessionStartException(string message, Exception? inner = null) : WardenException("session-start-failed", message, inner);

/// <summary>
/// The session's kernel was restarted but its init code failed in the fresh kernel: the session is
/// live (state cleared, execution count 0) without what the init code should have set up.
/// </summary>
public sealed class SessionInitException(string message) : WardenException("session-init-failed", message);

/// <summary>
/// A file operation was refused or failed inside the workspace. <see cref="WardenException.Code"/> is
/// <c>file-not-found</c>, <c>file-symlink</c> (links are never followed), <c>file-not-a-file</c> (FIFO, socket,
/// directory where a file was expected), <c>file-is-a-directory</c>, <c>file-not-a-directory</c>,
/// <c>file-too-large</c>, <c>file-no-space</c>, <c>file-not-empty</c> or <c>file-error</c>.
/// </summary>
public sealed class SessionFileException(string code, string message) : WardenException(code, message);
