namespace Warden.Server.Configuration;

/// <summary>How callers authenticate. API keys as <c>Authorization: Bearer</c> are always accepted.</summary>
public sealed class AuthSection
{
    /// <summary>Also accept HTTP Basic, the password being an API key (the user name is ignored). Default false.</summary>
    public bool Basic { get; set; }

    /// <summary>
    /// Development only: requests without credentials from a loopback TCP address act as an
    /// anonymous principal of <see cref="AnonymousRole"/>. Refused at start unless every address
    /// is loopback. Default false.
    /// </summary>
    public bool AnonymousLoopback { get; set; }

    /// <summary>The role of the anonymous principal: <c>user</c> or <c>reader</c>. Default <c>user</c>.</summary>
    public string AnonymousRole { get; set; } = "user";

    /// <summary>Requests per minute per remote address before authentication succeeds (failed or missing credentials). Default 300.</summary>
    public int UnauthenticatedRequestsPerMinute { get; set; } = 300;
}
