using Warden.Linux.Isolation;

namespace Warden.Server.Configuration;

/// <summary>The engine's host-side settings (see <see cref="EngineOptions"/>). The server never runs without isolation.</summary>
public sealed class EngineSection
{
    /// <summary>bubblewrap executable. Default /usr/bin/bwrap.</summary>
    public string? BwrapPath { get; set; }
    /// <summary>The native helper. Default: next to Warden's assemblies.</summary>
    public string? HelperPath { get; set; }
    /// <summary>Runtime directory. Default /run/warden as root.</summary>
    public string? RuntimeDir { get; set; }
    /// <summary><c>auto</c>, <c>v1</c> or <c>v2</c>. Default auto.</summary>
    public string? CgroupVersion { get; set; }
    /// <summary>First sandbox host uid. Default 1 900 000 000.</summary>
    public int? SandboxUidBase { get; set; }
    /// <summary>Number of sandbox host uids. Default 65 536.</summary>
    public int? SandboxUidCount { get; set; }
    /// <summary>Extra host directories every sandbox sees read-only.</summary>
    public string[] ExtraReadOnlyBinds { get; set; } = [];
    /// <summary>Keep the cgroup attach lock warm. Default true.</summary>
    public bool? KeepCgroupAttachWarm { get; set; }

    /// <summary>The Python zygote fast path.</summary>
    public FastPathSection FastPath { get; set; } = new();

    /// <summary>The engine options this section describes.</summary>
    public EngineOptions ToEngineOptions()
    {
        var d = new EngineOptions();
        return d with
        {
            BwrapPath = BwrapPath ?? d.BwrapPath,
            HelperPath = HelperPath ?? d.HelperPath,
            RuntimeDir = RuntimeDir ?? d.RuntimeDir,
            CgroupVersion = CgroupVersion ?? d.CgroupVersion,
            SandboxUidBase = SandboxUidBase ?? d.SandboxUidBase,
            SandboxUidCount = SandboxUidCount ?? d.SandboxUidCount,
            ExtraReadOnlyBinds = ExtraReadOnlyBinds,
            KeepCgroupAttachWarm = KeepCgroupAttachWarm ?? d.KeepCgroupAttachWarm,
            FastPath = FastPath.ToZygoteOptions(d.FastPath),
            UnsafeNoIsolation = false,
        };
    }
}
