using System.Globalization;

namespace Warden.Linux.Bubblewrap;

/// <summary>
/// Builds bubblewrap's argument vector. Every namespace is new (user, pid, net, ipc, uts,
/// cgroup), capabilities are dropped, the session is new (no terminal injection), the sandbox
/// dies with its monitor, the command is the namespace's pid 1 (so nothing inside can signal
/// it), and the root and /dev are made read-only after the mounts.
/// </summary>
internal static class BwrapArgs
{
    public static List<string> Build(BwrapLayout l)
    {
        var a = new List<string>
        {
            "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup",
            "--uid", I(l.InsideUid), "--gid", I(l.InsideGid),
            "--hostname", l.Hostname,
            "--die-with-parent", "--new-session", "--as-pid-1",
            "--cap-drop", "ALL",
            "--clearenv",
        };
        foreach (var cap in l.CapAdd) a.AddRange(["--cap-add", cap]);
        if (l.DisableUserns) a.Add("--disable-userns");
        foreach (var (target, link) in l.Symlinks) a.AddRange(["--symlink", target, link]);
        foreach (var (src, dest) in l.ReadOnlyBinds) a.AddRange(["--ro-bind", src, dest]);
        a.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        foreach (var (dest, size, mode) in l.Tmpfs)
            a.AddRange(["--perms", mode, "--size", I(size), "--tmpfs", dest]);
        // bubblewrap's /dev is a writable tmpfs holding device nodes; nothing may be created there.
        a.AddRange(["--remount-ro", "/dev"]);
        foreach (var d in l.Dirs) a.AddRange(["--dir", d]);
        foreach (var (fd, dest, mode) in l.Files) a.AddRange(["--perms", mode, "--file", I(fd), dest]);
        a.AddRange(["--remount-ro", "/"]);
        if (l.SeccompFd >= 0) a.AddRange(["--seccomp", I(l.SeccompFd)]);
        foreach (var (k, v) in l.Env) a.AddRange(["--setenv", k, v]);
        a.AddRange(["--chdir", l.Chdir, "--"]);
        a.AddRange(l.Command);
        return a;
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
