namespace Warden.Server.Auth;

/// <summary>What a key may do. Stored and shown lower-case.</summary>
public enum Role
{
    /// <summary>Keys, every session, the audit log, and everything a user may do.</summary>
    Admin,
    /// <summary>Its own runs and sessions.</summary>
    User,
    /// <summary>Its owner's sessions, read-only; runs nothing.</summary>
    Reader,
}
