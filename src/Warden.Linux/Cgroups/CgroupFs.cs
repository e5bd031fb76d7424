using System.Runtime.InteropServices;
using System.Text;
using Warden.Linux.Native;

namespace Warden.Linux.Cgroups;

/// <summary>Small helpers over cgroupfs files: every write and read is one syscall-sized operation.</summary>
internal static class CgroupFs
{
    // Raw open/read/write/close: cgroupfs files are tiny, and .NET's FileStream adds an fstat, a
    // flock, an fstatfs, an lseek and an ftruncate to every open (~30 kernfs files per sandbox).

    public static void Write(string file, string value)
    {
        var errno = WriteRaw(file, value);
        if (errno != 0)
            throw new SandboxException($"Cannot write '{value}' to {file}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    public static bool TryWrite(string file, string value) => WriteRaw(file, value) == 0;

    /// <summary>Writes <paramref name="value"/> in one write(2) (cgroupfs takes a value per write); 0 or the errno.</summary>
    private static unsafe int WriteRaw(string file, string value)
    {
        var fd = Libc.open(file, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC | Libc.O_CLOEXEC, 0x1a4 /* 0644, fake trees */);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        try
        {
            Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
            var n = Encoding.UTF8.GetBytes(value, bytes);
            fixed (byte* p = bytes)
            {
                var written = Libc.write(fd, p, n);
                if (written < 0) return Marshal.GetLastPInvokeError();
                return written == n ? 0 : Libc.EAGAIN;
            }
        }
        finally
        {
            Libc.close(fd);
        }
    }

    public static unsafe string? TryRead(string file)
    {
        var fd = Libc.open(file, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return null;
        try
        {
            var buffer = new byte[4096];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                nint n;
                fixed (byte* p = buffer) n = Libc.read(fd, p + length, buffer.Length - length);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Libc.EINTR) continue;
                    return null;
                }
                if (n == 0) return Encoding.UTF8.GetString(buffer, 0, length);
                length += (int)n;
            }
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /// <summary>mkdir; true when it was made (false: it existed). Throws on any other failure.</summary>
    public static bool MakeDir(string dir)
    {
        if (Libc.mkdir(dir, 0x1ed /* 0755 */) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Libc.EEXIST) return false;
        throw new SandboxException($"Cannot create {dir}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    /// <summary>Reads a single integer file such as memory.max_usage_in_bytes; 0 when absent.</summary>
    public static long ReadLong(string file) =>
        long.TryParse(TryRead(file)?.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;

    /// <summary>Reads the value of <paramref name="key"/> in a flat keyed file (memory.events, pids.events, cpu.stat).</summary>
    /// <summary>Two keys of one flat-keyed file (such as cpu.stat), read with one open; 0 for a missing key.</summary>
    public static (long First, long Second) ReadKeys(string file, string first, string second)
    {
        var text = TryRead(file);
        if (text is null) return (0, 0);
        return (KeyIn(text, first), KeyIn(text, second));
    }

    private static long KeyIn(string text, string key)
    {
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v))
                return v;
        }
        return 0;
    }

    public static long ReadKey(string file, string key)
    {
        var text = TryRead(file);
        if (text is null) return 0;
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v))
                return v;
        }
        return 0;
    }

    /// <summary>The pids listed in a cgroup.procs file.</summary>
    public static List<int> ReadPids(string procsFile)
    {
        var result = new List<int>();
        var text = TryRead(procsFile);
        if (text is null) return result;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(line.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var pid) && pid > 0)
                result.Add(pid);
        return result;
    }

    /// <summary>rmdir, retrying while the kernel still counts exiting tasks (EBUSY).</summary>
    public static bool TryRemoveDir(string dir, int attempts = 50)
    {
        // On cgroupfs a directory "contains" only control files and is removed by rmdir; on a
        // fake tree (tests) the files are real, so delete them first.
        if (!IsCgroupFs(dir))
        {
            try
            {
                if (Directory.Exists(dir)) foreach (var f in Directory.GetFiles(dir)) File.Delete(f);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
        for (var i = 0; i < attempts; i++)
        {
            if (Libc.rmdir(dir) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.ENOENT) return true;
            if (errno is Libc.EACCES or Libc.EPERM) return false;
            if (i + 1 < attempts) Thread.Sleep(i < 10 ? 1 : 10); // EBUSY: tasks still leaving
        }
        return !Directory.Exists(dir);
    }

    private static bool IsCgroupFs(string dir) => dir.StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal);
}
