namespace Warden.Server.Hosting;

/// <summary>Creates or checks a directory that only Warden's uid may use (0700, owned by us, not a link).</summary>
internal static class SecureDirectory
{
    /// <summary>Creates <paramref name="path"/> (and missing parents, 0700) or checks the existing one; throws naming the fix.</summary>
    public static void Ensure(string path, string purpose)
    {
        var full = Path.GetFullPath(path);
        if (Posix.LStat(full) is null)
        {
            try { Directory.CreateDirectory(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new WardenException("data-dir-unusable", $"Cannot create the {purpose} {full}: {ex.Message}");
            }
        }
        var st = Posix.LStat(full) ?? throw new WardenException("data-dir-unusable", $"The {purpose} {full} vanished while it was being created.");
        if (st.Type != Posix.S_IFDIR)
            throw new WardenException("data-dir-unusable", $"The {purpose} {full} is not a directory (a link or a file is there). Remove it or choose another path.");
        if (st.Uid != Posix.EffectiveUid)
            throw new WardenException("data-dir-unusable", $"The {purpose} {full} is owned by uid {st.Uid}, not by Warden's uid {Posix.EffectiveUid}. Fix: chown {Posix.EffectiveUid} {full}");
        if ((st.Mode & 0x3F) != 0)
            throw new WardenException("data-dir-unusable", $"The {purpose} {full} is open to other users (mode {Convert.ToString(st.Mode, 8)}). Fix: chmod 700 {full}");
    }
}
