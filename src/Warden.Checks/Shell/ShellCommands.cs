namespace Warden.Checks.Shell;

/// <summary>What the shell checker knows about commands and paths.</summary>
internal static class ShellCommands
{
    public static readonly IReadOnlySet<string> Shells = new HashSet<string>(StringComparer.Ordinal) { "sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "fish" };

    public static readonly IReadOnlySet<string> Interpreters = new HashSet<string>(StringComparer.Ordinal)
    {
        "sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "fish", "python", "python2", "python3", "perl", "ruby", "node", "nodejs",
        "php", "lua", "tclsh", "source", ".",
    };

    /// <summary>The checker language of an interpreter, and the options that take code on the command line.</summary>
    public static (string Language, string[] CodeOptions)? Embedded(string program) => program switch
    {
        "python" or "python2" or "python3" => ("python", ["-c"]),
        "node" or "nodejs" => ("javascript", ["-e", "--eval", "-p", "--print"]),
        _ => null,
    };

    /// <summary>Commands that fetch from the network.</summary>
    public static readonly IReadOnlySet<string> Fetchers = new HashSet<string>(StringComparer.Ordinal)
    {
        "curl", "wget", "fetch", "aria2c", "lwp-download", "lwp-request", "http", "https", "nc", "ncat", "netcat", "socat", "tftp", "ftp",
    };

    public static readonly IReadOnlySet<string> NetworkTools = new HashSet<string>(StringComparer.Ordinal)
    {
        "curl", "wget", "fetch", "aria2c", "ssh", "scp", "sftp", "telnet", "ftp", "tftp", "nc", "ncat", "netcat", "socat", "http", "https",
    };

    public static readonly IReadOnlySet<string> Privileged = new HashSet<string>(StringComparer.Ordinal)
    {
        "sudo", "su", "doas", "pkexec", "nsenter", "unshare", "mount", "umount", "insmod", "modprobe", "rmmod", "setcap", "chroot",
        "pivot_root", "capsh", "setpriv",
    };

    /// <summary>Commands that run the rest of their arguments as a command.</summary>
    public static readonly IReadOnlySet<string> Wrappers = new HashSet<string>(StringComparer.Ordinal)
    {
        "sudo", "doas", "command", "builtin", "exec", "env", "nice", "nohup", "time", "timeout", "stdbuf", "ionice", "setsid", "xargs",
        "busybox", "chrt", "taskset", "unbuffer", "torsocks", "proxychains", "proxychains4", "watch", "flock", "strace", "ltrace",
    };

    /// <summary>Options of wrappers that take a value (so the value is not the command).</summary>
    private static readonly IReadOnlySet<string> WrapperOptionsWithValue = new HashSet<string>(StringComparer.Ordinal)
    {
        "-u", "-g", "-C", "-n", "-p", "-s", "-k", "-c", "-o", "-e", "-i", "-I", "-L", "-P", "-d", "-a", "-E", "--user", "--group",
        "--signal", "--kill-after", "--adjustment", "--class", "--classdata",
    };

    /// <summary>Places a program inside the sandbox has no business writing.</summary>
    public static readonly IReadOnlyList<string> ProtectedPrefixes =
        ["/etc/", "/boot/", "/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/proc/sys/", "/sys/", "/root/.ssh/", "/var/spool/cron/"];

    public static bool IsBlockDevice(string path) =>
        System.Text.RegularExpressions.Regex.IsMatch(path, @"^/dev/(sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|md\d|dm-\d|mem$|kmem$|port$|disk/)");

    public static bool IsProtected(string path) => ProtectedPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal));

    /// <summary>The command's basename: <c>/usr/bin/rm</c> is <c>rm</c>.</summary>
    public static string BaseName(string word)
    {
        var slash = word.LastIndexOf('/');
        return slash >= 0 && slash < word.Length - 1 ? word[(slash + 1)..] : word;
    }

    /// <summary>Index of the real command after wrappers such as <c>sudo -u x env A=1 nice -n 5</c>.</summary>
    public static int SkipWrappers(IReadOnlyList<string?> words)
    {
        var i = 0;
        while (i < words.Count && words[i] is { } w && Wrappers.Contains(BaseName(w)))
        {
            var wrapper = BaseName(w);
            i++;
            if (wrapper == "busybox") continue;
            while (i < words.Count && words[i] is { } a && (a.StartsWith('-') || (wrapper == "env" && a.Contains('='))))
            {
                i++;
                if (WrapperOptionsWithValue.Contains(a) && wrapper != "env") i++;
            }
            if (wrapper == "timeout" && i < words.Count) i++; // the duration
        }
        return Math.Min(i, words.Count);
    }
}
