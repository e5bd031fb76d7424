namespace Warden.Linux.Isolation;

/// <summary>
/// Which host paths a sandbox sees: the system and toolchain directories read-only, and from
/// /etc only what programs need to start (dynamic linker cache, alternatives, certificates,
/// time zone, fonts, language runtime configuration). Nothing of /root, /home, /var, /run,
/// /srv, /mnt, /media or /sys.
/// </summary>
internal static class HostPaths
{
    /// <summary>Top-level directories that are either symlinks into /usr (merged /usr) or bound as they are.</summary>
    public static readonly string[] TopLevel = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

    /// <summary>/etc entries bound read-only when they exist (globs allowed in the last segment).</summary>
    public static readonly string[] EtcEntries =
    [
        "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
        "/etc/ssl/certs", "/etc/ssl/openssl.cnf", "/etc/ca-certificates", "/etc/pki/tls/certs", "/etc/localtime", "/etc/timezone",
        "/etc/fonts", "/etc/matplotlibrc", "/etc/python3*", "/etc/java-*", "/etc/mime.types", "/etc/gcrypt",
        "/etc/profile", "/etc/bash.bashrc", "/etc/inputrc", "/etc/nanorc", "/etc/magic",
    ];

    /// <summary>The symlinks and binds for the system directories of this host.</summary>
    public static (List<(string Target, string Link)> Symlinks, List<(string Source, string Dest)> Binds) System(IEnumerable<string> extra)
    {
        var links = new List<(string, string)>();
        var binds = new List<(string, string)> { ("/usr", "/usr") };
        foreach (var top in TopLevel)
        {
            var info = new FileInfo(top);
            if (info.LinkTarget is { } target) links.Add((target, top));
            else if (Directory.Exists(top)) binds.Add((top, top));
        }
        foreach (var pattern in EtcEntries)
            foreach (var path in Expand(pattern))
                binds.Add((path, path));
        foreach (var e in extra)
            if (Path.IsPathFullyQualified(e) && (Directory.Exists(e) || File.Exists(e)))
                binds.Add((e, e));
        return (links, binds);
    }

    private static IEnumerable<string> Expand(string pattern)
    {
        var name = Path.GetFileName(pattern);
        var dir = Path.GetDirectoryName(pattern)!;
        if (!name.Contains('*'))
        {
            if (File.Exists(pattern) || Directory.Exists(pattern)) yield return pattern;
            yield break;
        }
        if (!Directory.Exists(dir)) yield break;
        foreach (var p in Directory.EnumerateFileSystemEntries(dir, name).Order(StringComparer.Ordinal))
            yield return p;
    }
}
