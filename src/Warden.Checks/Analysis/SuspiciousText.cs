namespace Warden.Checks.Analysis;

/// <summary>Word lists shared by the analysers.</summary>
internal static class SuspiciousText
{
    /// <summary>
    /// Names that ordinary code writes out but obfuscated code builds at run time (with
    /// <c>chr</c>, concatenation, reversal, decoding) to slip past text matching.
    /// </summary>
    public static readonly IReadOnlySet<string> DangerousNames = new HashSet<string>(StringComparer.Ordinal)
    {
        // Python
        "os", "posix", "nt", "subprocess", "sys", "builtins", "__builtins__", "__builtin__", "importlib", "imp", "ctypes",
        "cffi", "pty", "socket", "marshal", "pickle", "system", "popen", "exec", "eval", "compile", "execv", "execve",
        "execl", "execvp", "execlp", "spawnv", "spawnl", "posix_spawn", "run", "call", "check_output", "check_call", "Popen",
        "getoutput", "__import__", "import_module", "getattr", "setattr", "__subclasses__", "__globals__", "__bases__",
        "__base__", "__mro__", "__class__", "__code__", "__dict__", "__getattribute__", "__loader__", "f_globals", "f_back",
        // JavaScript
        "child_process", "node:child_process", "require", "execSync", "spawn", "spawnSync", "execFile", "execFileSync",
        "fork", "Function", "constructor", "binding", "_linkedBinding", "dlopen", "process", "mainModule", "globalThis",
        "global", "vm", "fs", "node:fs", "net", "worker_threads", "runInThisContext", "runInNewContext", "module", "_load",
        // Shell
        "sh", "bash", "/bin/sh", "/bin/bash", "rm", "curl", "wget", "nc",
    };

    private static readonly string[] SensitivePrefixes =
    [
        "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/passwd", "/etc/ssh/", "/root/", "/proc/self/environ",
        "/proc/self/mem", "/proc/self/maps", "/proc/1/", "/proc/kcore", "/proc/sys/", "/proc/sysrq-trigger", "/sys/",
        "/dev/mem", "/dev/kmem", "/dev/port", "/dev/sd", "/dev/nvme", "/dev/vd", "/var/run/docker.sock",
        "/run/docker.sock", "/var/run/secrets/", "/run/secrets/", "~/.ssh", "~/.aws", "~/.gnupg", "~/.bash_history",
        "/home/", "/boot/",
    ];

    /// <summary>Top-level directories whose recursive deletion or permission change wrecks a system.</summary>
    private static readonly HashSet<string> SystemDirectories = new(StringComparer.Ordinal)
    {
        "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media", "/mnt", "/opt", "/proc",
        "/root", "/run", "/sbin", "/srv", "/sys", "/usr", "/var", "/usr/bin", "/usr/lib", "/usr/local", "/usr/sbin", "/var/lib",
        "~", "$HOME",
    };

    /// <summary>Whether <paramref name="path"/> names / or a system directory (after <see cref="NormalizePath"/>).</summary>
    public static bool IsSystemDirectory(string path) => SystemDirectories.Contains(NormalizePath(path));

    /// <summary><c>/usr/../</c>, <c>//</c>, <c>/*</c>, <c>/.</c>, trailing slashes: the directory a path names, roughly.</summary>
    public static string NormalizePath(string path)
    {
        if (path.Length == 0 || !(path[0] is '/' or '~' or '$')) return path;
        var parts = new List<string>();
        var head = path[0] == '/' ? "" : path.Split('/')[0];
        foreach (var part in path.Split('/').Skip(path[0] == '/' ? 0 : 1))
        {
            if (part is "" or "." or "*") continue;
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        if (head.Length > 0) return parts.Count == 0 ? head : head + "/" + string.Join('/', parts);
        return "/" + string.Join('/', parts);
    }

    /// <summary>
    /// Whether a string literal is a path to host secrets or raw devices. Only whole
    /// path-like strings count, so prose in docstrings that mentions a path does not.
    /// </summary>
    public static bool IsSensitivePath(string? s)
    {
        if (string.IsNullOrEmpty(s) || s.Length > 256 || s.Any(char.IsWhiteSpace)) return false;
        return s is "/root" or "/home" || SensitivePrefixes.Any(p => s.StartsWith(p, StringComparison.Ordinal));
    }
}
