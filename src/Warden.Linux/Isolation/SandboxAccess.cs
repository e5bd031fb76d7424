namespace Warden.Linux.Isolation;

/// <summary>Whether the sandbox's identity can reach a host path (every directory on the way traversable by others, the file executable by others).</summary>
internal static class SandboxAccess
{
    public static bool CanExecute(string hostPath, bool runningAsRoot)
    {
        try
        {
            var full = Path.GetFullPath(hostPath);
            var info = new FileInfo(full);
            if (!info.Exists) return false;
            var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
            if (!runningAsRoot) return File.Exists(target);
            if (!Traversable(target)) return false;
            return (File.GetUnixFileMode(target) & UnixFileMode.OtherExecute) != 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Traversable(string path)
    {
        for (var d = Path.GetDirectoryName(path); d is not null; d = Path.GetDirectoryName(d))
            if ((File.GetUnixFileMode(d) & UnixFileMode.OtherExecute) == 0) return false;
        return true;
    }
}
