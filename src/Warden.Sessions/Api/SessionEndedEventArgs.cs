namespace Warden.Sessions;

/// <summary>A session has ended (<see cref="ISessionManager.SessionEnded"/>): its final snapshot, with state, reason and time.</summary>
public sealed class SessionEndedEventArgs(SessionInfo session) : EventArgs
{
    /// <summary>The session as it ended: <see cref="SessionInfo.State"/> is closed or lost, <see cref="SessionInfo.Reason"/> and <see cref="SessionInfo.EndedAt"/> are set.</summary>
    public SessionInfo Session { get; } = session;
}
