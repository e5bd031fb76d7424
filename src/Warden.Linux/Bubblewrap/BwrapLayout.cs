namespace Warden.Linux.Bubblewrap;

/// <summary>
/// The whole shape of one sandbox as bubblewrap builds it. Pure data; <see cref="BwrapArgs"/>
/// turns it into the argument vector. Paths inside are absolute sandbox paths.
/// </summary>
internal sealed record BwrapLayout
{
    /// <summary>Host path and sandbox path of each read-only bind.</summary>
    public IReadOnlyList<(string Source, string Dest)> ReadOnlyBinds { get; init; } = [];
    /// <summary>Symlinks to create (target, link), e.g. (usr/bin, /bin) on merged-/usr hosts.</summary>
    public IReadOnlyList<(string Target, string Link)> Symlinks { get; init; } = [];
    /// <summary>Private tmpfs mounts with a size limit (bytes) and mode.</summary>
    public IReadOnlyList<(string Dest, long SizeBytes, string Mode)> Tmpfs { get; init; } = [];
    /// <summary>Directories to create before files are copied in.</summary>
    public IReadOnlyList<string> Dirs { get; init; } = [];
    /// <summary>Files copied in from an inherited descriptor, with mode.</summary>
    public IReadOnlyList<(int Fd, string Dest, string Mode)> Files { get; init; } = [];
    /// <summary>Descriptor holding the compiled seccomp program.</summary>
    public int SeccompFd { get; init; } = -1;
    /// <summary>Hostname inside.</summary>
    public string Hostname { get; init; } = "sandbox";
    /// <summary>uid and gid inside the sandbox (mapped to the unprivileged host identity).</summary>
    public int InsideUid { get; init; } = 1000;
    /// <summary>See <see cref="InsideUid"/>.</summary>
    public int InsideGid { get; init; } = 1000;
    /// <summary>Working directory.</summary>
    public string Chdir { get; init; } = "/workspace";
    /// <summary>The complete environment of the command.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];
    /// <summary>Forbid nested user namespaces via bubblewrap as well as seccomp.</summary>
    public bool DisableUserns { get; init; } = true;
    /// <summary>Capabilities kept in the sandbox's user namespace (Warden's own zygote only; empty for user code).</summary>
    public IReadOnlyList<string> CapAdd { get; init; } = [];
    /// <summary>The command to run (first element absolute).</summary>
    public required IReadOnlyList<string> Command { get; init; }
}
