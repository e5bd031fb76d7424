namespace Warden.Linux.Cgroups;

/// <summary>What cgroup layout the host has, from /proc/self/mountinfo and /proc/self/cgroup.</summary>
internal sealed record CgroupLayout(
    string? UnifiedMount,
    IReadOnlyList<string> UnifiedControllers,
    IReadOnlyDictionary<string, string> V1Mounts,
    IReadOnlyDictionary<string, string> OwnV1Paths,
    string? OwnUnifiedPath)
{
    public static readonly string[] Required = ["memory", "pids", "cpu"];

    /// <summary>v2 is usable when the unified mount offers every required controller.</summary>
    public bool V2Usable => UnifiedMount is not null && Required.All(UnifiedControllers.Contains);

    /// <summary>v1 is usable when every required controller has a v1 hierarchy.</summary>
    public bool V1Usable => Required.All(V1Mounts.ContainsKey);

    /// <summary>Parses the two proc files (paths injectable for tests).</summary>
    public static CgroupLayout Read(string mountinfo = "/proc/self/mountinfo", string selfCgroup = "/proc/self/cgroup")
    {
        string? unified = null;
        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(mountinfo))
        {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            var sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0) continue;
            var left = line[..sep].Split(' ');
            var right = line[(sep + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3) continue;
            var mountPoint = Unescape(left[4]);
            var fstype = right[0];
            if (fstype == "cgroup2")
                unified ??= mountPoint;
            else if (fstype == "cgroup")
                foreach (var opt in right[2].Split(','))
                    if (opt is "memory" or "pids" or "cpu" or "cpuacct")
                        v1.TryAdd(opt, mountPoint);
        }

        var controllers = new List<string>();
        if (unified is not null)
        {
            var text = CgroupFs.TryRead(Path.Combine(unified, "cgroup.controllers"));
            if (text is not null) controllers.AddRange(text.Split(' ', '\n', StringSplitOptions.RemoveEmptyEntries));
        }

        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        string? ownUnified = null;
        if (File.Exists(selfCgroup))
            foreach (var line in File.ReadLines(selfCgroup))
            {
                var parts = line.Split(':', 3);
                if (parts.Length != 3) continue;
                if (parts[0] == "0" && parts[1] == "") ownUnified = parts[2];
                foreach (var c in parts[1].Split(','))
                    if (c.Length > 0) own[c] = parts[2];
            }
        return new CgroupLayout(unified, controllers, v1, own, ownUnified);
    }

    private static string Unescape(string s) => s.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);

    /// <summary>
    /// The driver to use: <paramref name="preference"/> <c>auto</c> prefers v2 when it has the
    /// controllers, else v1. Null with a reason and a fix when neither is usable.
    /// </summary>
    public (ICgroupDriver? Driver, string? Problem, string? Fix) CreateDriver(string preference, string instance)
    {
        if (preference is "v2" or "auto" && V2Usable)
            return (new CgroupV2Driver(UnifiedMount!, instance), null, null);
        if (preference is "v1" or "auto" && V1Usable)
            return (new CgroupV1Driver(V1Mounts, instance, OwnV1Paths.GetValueOrDefault("pids")), null, null);
        if (preference == "v2")
            return (null, $"cgroup v2 is {(UnifiedMount is null ? "not mounted" : "mounted without the memory, pids and cpu controllers")}.",
                "boot with systemd.unified_cgroup_hierarchy=1, or set Warden:Cgroups:Version to auto");
        if (preference == "v1")
            return (null, "cgroup v1 hierarchies for memory, pids and cpu are not all mounted.",
                "mount them (mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory, likewise pids and cpu), or set Warden:Cgroups:Version to auto");
        var missing = Required.Where(c => !UnifiedControllers.Contains(c) && !V1Mounts.ContainsKey(c));
        return (null, $"No cgroup hierarchy offers the memory, pids and cpu controllers (missing: {string.Join(", ", missing)}).",
            "use a kernel with cgroup v2 (systemd default) and the memory, pids and cpu controllers enabled");
    }
}
