namespace Warden.Linux.Isolation;

/// <summary>
/// Host-side settings of the Linux engine. Defaults are secure and need no change on a
/// Debian host; every default is documented in docs/configuration.md.
/// </summary>
public sealed record EngineOptions
{
    /// <summary>bubblewrap executable. Default /usr/bin/bwrap.</summary>
    public string BwrapPath { get; init; } = "/usr/bin/bwrap";

    /// <summary>The native helper; default: <c>warden-helper</c> next to Warden's assemblies.</summary>
    public string? HelperPath { get; init; }

    /// <summary>
    /// Where Warden keeps the files every sandbox binds (helper, seccomp program, synthesized
    /// /etc/passwd). Must be traversable by the sandbox uid; never holds secrets. Default
    /// /run/warden as root, else $XDG_RUNTIME_DIR/warden or /tmp/warden-&lt;uid&gt;.
    /// </summary>
    public string? RuntimeDir { get; init; }

    /// <summary><c>auto</c> (v2 if it has the controllers, else v1), <c>v1</c> or <c>v2</c>.</summary>
    public string CgroupVersion { get; init; } = "auto";

    /// <summary>
    /// First host uid given to sandboxes when Warden runs as root; each live sandbox gets its
    /// own uid in [base, base + count). Default 1 900 000 000 (far above any login or system uid).
    /// </summary>
    public int SandboxUidBase { get; init; } = 1_900_000_000;

    /// <summary>Size of the sandbox uid range. Default 65 536.</summary>
    public int SandboxUidCount { get; init; } = 65_536;

    /// <summary>Extra host directories bound read-only at the same path in every sandbox.</summary>
    public IReadOnlyList<string> ExtraReadOnlyBinds { get; init; } = [];

    /// <summary>
    /// Keep the kernel's cgroup-attach lock warm while runs are frequent (cgroup v1; see
    /// docs/decisions.md): avoids a 5-15 ms stall per sandbox start. Default true.
    /// </summary>
    public bool KeepCgroupAttachWarm { get; init; } = true;

    /// <summary>
    /// Limits of a run whose request gives none (a server's <c>Limits</c> section). The fast path
    /// prepares its children for these, so runs at the configured defaults find one ready.
    /// Default <see cref="Policy.Limits.Default"/>.
    /// </summary>
    public Policy.Limits DefaultLimits { get; init; } = Policy.Limits.Default;

    /// <summary>The Python zygote fast path (see docs/decisions.md).</summary>
    public FastPath.ZygoteOptions FastPath { get; init; } = new();

    /// <summary>Run without any isolation (development only; warns loudly; refused by the server).</summary>
    public bool UnsafeNoIsolation { get; init; }

    /// <summary>Every value out of its bounds, the fast path's and the default limits' included (empty when valid).</summary>
    public IReadOnlyList<OptionProblem> Problems()
    {
        var p = new List<OptionProblem>();
        if (string.IsNullOrEmpty(BwrapPath)) p.Add(new(nameof(BwrapPath), "must name the bubblewrap executable"));
        if (CgroupVersion is not ("auto" or "v1" or "v2")) p.Add(new(nameof(CgroupVersion), "must be auto, v1 or v2"));
        OptionProblem.Range(p, nameof(SandboxUidBase), SandboxUidBase, 1, int.MaxValue);
        OptionProblem.Range(p, nameof(SandboxUidCount), SandboxUidCount, 1, int.MaxValue - (long)SandboxUidBase);
        p.AddRange(Policy.LimitsRequest.Problems(DefaultLimits).Select(x => x.Under(nameof(DefaultLimits) + ":")));
        p.AddRange(FastPath.Problems().Select(x => x.Under(nameof(FastPath) + ":")));
        return p;
    }

    /// <summary>Throws when a value is out of its bounds.</summary>
    /// <exception cref="InvalidOptionsException">Lists every problem.</exception>
    public void Validate() => OptionProblem.ThrowIfAny("engine options", Problems());
}
