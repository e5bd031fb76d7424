namespace Warden.Linux.Cgroups;

/// <summary>Small helpers over cgroupfs files: every write and read is one syscall-sized operation.</summary>
internal static class CgroupFs
{
    public static void Write(string file, string value)
    {
        try
        {
            File.WriteAllText(file, value);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SandboxException($"Cannot write '{value}' to {file}: {ex.Message}", ex);
        }
    }

    public static bool TryWrite(string file, string value)
    {
        try
        {
            File.WriteAllText(file, value);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static string? TryRead(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads a single integer file such as memory.max_usage_in_bytes; 0 when absent.</summary>
    public static long ReadLong(string file) =>
        long.TryParse(TryRead(file)?.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;

    /// <summary>Reads the value of <paramref name="key"/> in a flat keyed file (memory.events, pids.events, cpu.stat).</summary>
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
        for (var i = 0; i < attempts; i++)
        {
            if (!Directory.Exists(dir)) return true;
            try
            {
                // On cgroupfs a directory "contains" only control files and is removed by rmdir;
                // on a fake tree (tests) the files are real, so delete them first.
                if (!IsCgroupFs(dir))
                    foreach (var f in Directory.GetFiles(dir)) File.Delete(f);
                Directory.Delete(dir, recursive: false);
                return true;
            }
            catch (IOException)
            {
                Thread.Sleep(i < 10 ? 1 : 10);
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
        return !Directory.Exists(dir);
    }

    private static bool IsCgroupFs(string dir) => dir.StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal);
}
