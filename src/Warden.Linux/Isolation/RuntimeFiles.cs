using System.Security.Cryptography;
using System.Text;
using Warden.Linux.Native;
using Warden.Linux.Seccomp;

namespace Warden.Linux.Isolation;

/// <summary>
/// The files every sandbox binds read-only from the host: the helper, the seccomp program and
/// a synthesized /etc (passwd, group, hosts, nsswitch.conf). Written once per content into a
/// runtime directory the sandbox uid can traverse (content-addressed names, written to a temp
/// name then renamed, so concurrent Warden processes never see half a file). Holds nothing secret.
/// </summary>
internal sealed class RuntimeFiles
{
    public const int InsideUid = 1000, InsideGid = 1000;

    private RuntimeFiles(string dir, string helper, byte[] seccomp, Dictionary<string, string> etc)
    {
        Dir = dir;
        Helper = helper;
        SeccompProgram = seccomp;
        Etc = etc;
    }

    /// <summary>The runtime directory.</summary>
    public string Dir { get; }
    /// <summary>Host path of the helper copy (mode 0755).</summary>
    public string Helper { get; }
    /// <summary>The compiled seccomp program.</summary>
    public byte[] SeccompProgram { get; }
    /// <summary>Sandbox /etc path to host file.</summary>
    public Dictionary<string, string> Etc { get; }

    public static string DefaultDir()
    {
        if (Libc.geteuid() == 0) return "/run/warden";
        var xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(xdg) ? $"/tmp/warden-{Libc.geteuid()}" : Path.Combine(xdg, "warden");
    }

    public static RuntimeFiles Prepare(string dir, string helperSource)
    {
        Directory.CreateDirectory(dir);
        // The directory must be ours and writable only by us, or someone could swap the helper.
        var st = new DirectoryInfo(dir);
        if (st.LinkTarget is not null)
            throw new IsolationUnavailableException($"The runtime directory {dir} is a symlink.", $"remove {dir} and let Warden recreate it");
        if (OwnerOf(dir) != Libc.geteuid())
            throw new IsolationUnavailableException($"The runtime directory {dir} belongs to another user.", $"remove {dir} or set Warden:Engine:RuntimeDir to a directory of yours");
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var helper = Put(dir, "warden-helper", File.ReadAllBytes(helperSource), executable: true);
        var program = BpfCompiler.ToBytes(BpfCompiler.Compile(SeccompPolicy.Default, SyscallTable.Current));
        Put(dir, "seccomp.bpf", program, executable: false);
        var etc = new Dictionary<string, string>
        {
            ["/etc/passwd"] = Put(dir, "passwd", Encoding.ASCII.GetBytes(
                "root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n" +
                $"sandbox:x:{InsideUid}:{InsideGid}:sandbox:/workspace:/bin/sh\n" +
                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"), false),
            ["/etc/group"] = Put(dir, "group", Encoding.ASCII.GetBytes(
                $"root:x:0:\nsandbox:x:{InsideGid}:\nnogroup:x:65534:\n"), false),
            ["/etc/hosts"] = Put(dir, "hosts", Encoding.ASCII.GetBytes("127.0.0.1 localhost sandbox\n::1 localhost ip6-localhost\n"), false),
            ["/etc/nsswitch.conf"] = Put(dir, "nsswitch.conf", Encoding.ASCII.GetBytes("passwd: files\ngroup: files\nhosts: files\n"), false),
            ["/etc/hostname"] = Put(dir, "hostname", Encoding.ASCII.GetBytes("sandbox\n"), false),
        };
        return new RuntimeFiles(dir, helper, program, etc);
    }

    private static unsafe uint OwnerOf(string path)
    {
        var fd = Libc.open(path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw new IOException($"cannot open {path}");
        try
        {
            var buf = stackalloc byte[256];
            if (Libc.fstat(fd, buf) != 0) throw new IOException($"cannot stat {path}");
            return *(uint*)(buf + Libc.StatUidOffset);
        }
        finally
        {
            Libc.close(fd);
        }
    }

    private static string Put(string dir, string name, byte[] content, bool executable)
    {
        var hash = Convert.ToHexString(SHA256.HashData(content))[..16].ToLowerInvariant();
        var path = Path.Combine(dir, $"{name}.{hash}");
        if (File.Exists(path) && new FileInfo(path).Length == content.Length) return path;
        var tmp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(tmp, content);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        if (executable) mode |= UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(tmp, mode);
        File.Move(tmp, path, overwrite: true);
        return path;
    }
}
