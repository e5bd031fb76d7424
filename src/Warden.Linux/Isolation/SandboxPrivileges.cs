namespace Warden.Linux.Isolation;

/// <summary>
/// Internal-only departures from the standard sandbox, for Warden's own trusted programs (the
/// Python zygote): capabilities kept inside the sandbox's own user namespace, no seccomp
/// filter (each job installs it), extra inherited descriptors. User code never runs with these.
/// </summary>
internal sealed record SandboxPrivileges
{
    /// <summary>Capabilities kept in the sandbox's user namespace, such as CAP_SYS_ADMIN.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>Whether bubblewrap installs Warden's seccomp program.</summary>
    public bool Seccomp { get; init; } = true;

    /// <summary>Whether nested user namespaces are disabled by bubblewrap.</summary>
    public bool DisableUserns { get; init; } = true;

    /// <summary>Our descriptors to pass in; they appear in the sandbox after the input files, in order.</summary>
    public IReadOnlyList<int> ExtraFds { get; init; } = [];

    public static SandboxPrivileges Standard { get; } = new();
}
