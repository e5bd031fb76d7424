using System.Runtime.InteropServices;
using System.Text;

namespace Warden.Linux.Native;

/// <summary>
/// Starts a process with exactly the descriptors we name (posix_spawn with dup2 actions;
/// everything else of ours is O_CLOEXEC), default signal dispositions, an empty signal mask
/// and the environment we give. .NET's Process cannot pass extra descriptors, which the
/// sandbox's status pipe, seccomp program and input files need.
/// </summary>
internal static unsafe class Spawner
{
    private static readonly System.Collections.Concurrent.BlockingCollection<Action> Work = StartSpawnThread();

    /// <summary>
    /// bubblewrap's --die-with-parent sets PR_SET_PDEATHSIG in its monitor, and the kernel fires
    /// that signal when the parent *thread* exits, not the parent process. A thread-pool thread
    /// that spawned a sandbox and was later retired would kill it. So every spawn happens on one
    /// dedicated thread that lives as long as Warden (and a sandbox still dies with Warden).
    /// </summary>
    private static System.Collections.Concurrent.BlockingCollection<Action> StartSpawnThread()
    {
        var work = new System.Collections.Concurrent.BlockingCollection<Action>();
        var t = new Thread(() =>
        {
            foreach (var item in work.GetConsumingEnumerable()) item();
        })
        { IsBackground = true, Name = "warden-spawner" };
        t.Start();
        return work;
    }

    /// <summary>Spawns <paramref name="path"/> from the dedicated spawner thread; <paramref name="fdMap"/> maps child fd numbers to our descriptors.</summary>
    public static Task<int> SpawnAsync(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env, IReadOnlyList<(int ChildFd, int OurFd)> fdMap)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try { done.SetResult(SpawnHere(path, argv, env, fdMap)); }
            catch (Exception ex) { done.SetException(ex); }
        });
        return done.Task;
    }

    private static int SpawnHere(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env, IReadOnlyList<(int ChildFd, int OurFd)> fdMap)
    {
        // glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336; give room.
        var actions = NativeMemory.AllocZeroed(256);
        var attr = NativeMemory.AllocZeroed(1024);
        var sigset = NativeMemory.AllocZeroed(256);
        var strings = new List<nint>();
        var lifted = new List<int>();
        try
        {
            // dup2 actions run in order: a source whose number is also an earlier target would be
            // clobbered before it is used. Move every source above all targets first.
            var top = fdMap.Count == 0 ? 0 : fdMap.Max(m => m.ChildFd) + 1;
            var map = new List<(int ChildFd, int OurFd)>(fdMap.Count);
            foreach (var (child, ours) in fdMap)
            {
                if (ours >= top) { map.Add((child, ours)); continue; }
                var high = Libc.fcntl(ours, Libc.F_DUPFD_CLOEXEC, Math.Max(top, 64));
                if (high < 0) throw new IOException("fcntl(F_DUPFD_CLOEXEC) failed: " + Marshal.GetLastPInvokeErrorMessage());
                lifted.Add(high);
                map.Add((child, high));
            }
            fdMap = map;
            Libc.posix_spawn_file_actions_init(actions);
            Libc.posix_spawnattr_init(attr);
            foreach (var (child, ours) in fdMap)
                CheckRc(Libc.posix_spawn_file_actions_adddup2(actions, ours, child), "posix_spawn_file_actions_adddup2");
            Libc.sigemptyset(sigset);
            CheckRc(Libc.posix_spawnattr_setsigmask(attr, sigset), "posix_spawnattr_setsigmask");
            Libc.sigfillset(sigset);
            CheckRc(Libc.posix_spawnattr_setsigdefault(attr, sigset), "posix_spawnattr_setsigdefault");
            CheckRc(Libc.posix_spawnattr_setflags(attr, Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");

            var cPath = Utf8(path, strings);
            var cArgv = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Count + 1), (nuint)sizeof(nint));
            var cEnv = (byte**)NativeMemory.AllocZeroed((nuint)(env.Count + 1), (nuint)sizeof(nint));
            strings.Add((nint)cArgv);
            strings.Add((nint)cEnv);
            for (var i = 0; i < argv.Count; i++) cArgv[i] = Utf8(argv[i], strings);
            for (var i = 0; i < env.Count; i++) cEnv[i] = Utf8(env[i], strings);

            int pid;
            var rc = Libc.posix_spawn(&pid, cPath, actions, attr, cArgv, cEnv);
            if (rc != 0) throw new IOException($"posix_spawn of {path} failed: {Marshal.GetPInvokeErrorMessage(rc)}");
            return pid;
        }
        finally
        {
            Libc.posix_spawn_file_actions_destroy(actions);
            Libc.posix_spawnattr_destroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
            foreach (var p in strings) NativeMemory.Free((void*)p);
            foreach (var fd in lifted) Libc.close(fd);
        }
    }

    private static void CheckRc(int rc, string what)
    {
        if (rc != 0) throw new IOException($"{what} failed: {Marshal.GetPInvokeErrorMessage(rc)}");
    }

    private static byte* Utf8(string s, List<nint> owned)
    {
        if (s.Contains('\0')) throw new ArgumentException("NUL in a process argument");
        var count = Encoding.UTF8.GetByteCount(s);
        var p = (byte*)NativeMemory.Alloc((nuint)count + 1);
        owned.Add((nint)p);
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, count));
        p[count] = 0;
        return p;
    }

    /// <summary>Blocks until <paramref name="pid"/> ends and returns its raw wait status. Run on a dedicated thread.</summary>
    public static int WaitBlocking(int pid)
    {
        int status;
        while (true)
        {
            var rc = Libc.waitpid(pid, &status, 0);
            if (rc == pid) return status;
            var err = Marshal.GetLastPInvokeError();
            if (rc < 0 && err == Libc.EINTR) continue;
            throw new IOException($"waitpid({pid}) failed: {Marshal.GetPInvokeErrorMessage(err)}");
        }
    }

    /// <summary>Waits for <paramref name="pid"/> on a dedicated thread (not the thread pool).</summary>
    public static Task<int> WaitAsync(int pid)
    {
        var tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var t = new Thread(() =>
        {
            try { tcs.SetResult(WaitBlocking(pid)); }
            catch (Exception ex) { tcs.SetException(ex); }
        })
        { IsBackground = true, Name = "warden-wait-" + pid };
        t.Start();
        return tcs.Task;
    }
}
