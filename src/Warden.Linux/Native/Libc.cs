using System.Runtime.InteropServices;

namespace Warden.Linux.Native;

/// <summary>The few libc calls the engine needs. Every descriptor we create is O_CLOEXEC.</summary>
internal static unsafe partial class Libc
{
    private const string L = "libc";

    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_TRUNC = 0x200, O_CLOEXEC = 0x80000, O_NOFOLLOW = 0x20000, O_DIRECTORY = 0x10000;
    public const int MFD_CLOEXEC = 1;
    public const int EINTR = 4, ECHILD = 10, EAGAIN = 11, ESRCH = 3, ENOENT = 2, EBUSY = 16, EEXIST = 17, EACCES = 13, EPERM = 1;
    public const int SIGKILL = 9, SIGTERM = 15;
    public const int WNOHANG = 1;

    [LibraryImport(L, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(L, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(L, SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nint count);

    [LibraryImport(L, SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport(L, SetLastError = true)]
    public static partial long lseek(int fd, long offset, int whence);

    [LibraryImport(L, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int memfd_create(string name, uint flags);

    [LibraryImport(L, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport(L, SetLastError = true)]
    public static partial int fstat(int fd, byte* statBuf);

    [LibraryImport(L, EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkdir(string path, int mode);

    [LibraryImport(L, EntryPoint = "rmdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rmdir(string path);

    /// <summary>Offset of st_uid in struct stat: x86_64 puts st_nlink (8 bytes) before st_mode; the generic layout (aarch64) after.</summary>
    public static int StatUidOffset => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 28 : 24;

    public const int F_DUPFD_CLOEXEC = 1030;

    [LibraryImport(L, SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(L, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport(L, SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport(L)]
    public static partial uint geteuid();

    [LibraryImport(L)]
    public static partial uint getuid();

    [LibraryImport(L)]
    public static partial int getpid();

    [LibraryImport(L, SetLastError = true)]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport(L, SetLastError = true)]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport(L, SetLastError = true)]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);

    [LibraryImport(L, SetLastError = true)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(L, SetLastError = true)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(L, SetLastError = true)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(L, SetLastError = true)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigmask);

    [LibraryImport(L, SetLastError = true)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigdefault);

    [LibraryImport(L, SetLastError = true)]
    public static partial int sigemptyset(void* set);

    [LibraryImport(L, SetLastError = true)]
    public static partial int sigfillset(void* set);

    [LibraryImport(L, SetLastError = true)]
    public static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    public const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_USEVFORK = 0x40;

    [LibraryImport(L, SetLastError = true)]
    public static partial long syscall(long number, long a1, long a2, long a3, long a4);

    /// <summary>pidfd_open(2): a descriptor that names exactly this process, immune to pid reuse.</summary>
    public static int PidfdOpen(int pid) => (int)syscall(434, pid, 0, 0, 0);

    /// <summary>pidfd_send_signal(2).</summary>
    public static int PidfdSendSignal(int pidfd, int sig) => (int)syscall(424, pidfd, sig, 0, 0);

    /// <summary>gettid(2).</summary>
    public static int GetTid() => (int)syscall(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 186 : 178, 0, 0, 0, 0);

    [LibraryImport(L, SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>Throws with the errno text when <paramref name="rc"/> is negative.</summary>
    public static int Check(int rc, string what)
    {
        if (rc < 0) throw new IOException($"{what} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        return rc;
    }

    /// <summary>Creates a pipe; both ends close on exec.</summary>
    public static (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        Check(pipe2(fds, O_CLOEXEC), "pipe2");
        return (fds[0], fds[1]);
    }

    /// <summary>Creates an anonymous in-memory file holding <paramref name="data"/>, positioned at 0.</summary>
    public static int MemFd(string name, ReadOnlySpan<byte> data)
    {
        var fd = Check(memfd_create(name, MFD_CLOEXEC), "memfd_create");
        try
        {
            WriteAll(fd, data);
            if (lseek(fd, 0, 0) < 0) throw new IOException("lseek failed: " + Marshal.GetLastPInvokeErrorMessage());
            return fd;
        }
        catch
        {
            close(fd);
            throw;
        }
    }

    /// <summary>Writes every byte, retrying on EINTR and short writes.</summary>
    public static void WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            nint off = 0;
            while (off < data.Length)
            {
                var n = write(fd, p + off, data.Length - off);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EINTR) continue;
                    throw new IOException("write failed: " + Marshal.GetLastPInvokeErrorMessage());
                }
                off += n;
            }
        }
    }
}
