using Warden.Linux.FastPath;

namespace Warden.Server.Configuration;

/// <summary>The fast path of the engine (Python zygote, prepared node sandboxes) (see docs/decisions.md); absent fields keep the engine's defaults.</summary>
public sealed class FastPathSection
{
    /// <summary>Whether Python runs use the zygote when their limits allow. Default true.</summary>
    public bool? Enabled { get; set; }
    /// <summary>Whether runs that import only the standard library use the smaller standard zygote. Default true.</summary>
    public bool? StandardZygote { get; set; }
    /// <summary>Children of the standard zygote kept prepared for the default limits. Default 4.</summary>
    public int? Prepared { get; set; }
    /// <summary>Children of the scientific zygote (numpy, pandas, matplotlib) kept prepared for the default limits. Default 2.</summary>
    public int? ScientificPrepared { get; set; }
    /// <summary>JavaScript sandboxes kept prepared (node started ahead); 0 turns it off. Default 2.</summary>
    public int? NodePrepared { get; set; }
    /// <summary>Jobs after which a zygote is replaced. Default 10000.</summary>
    public int? MaxJobs { get; set; }
    /// <summary>Age in seconds after which a zygote is replaced. Default 600.</summary>
    public int? MaxAgeSeconds { get; set; }

    /// <summary>The configuration key of a <see cref="ZygoteOptions"/> property (the two differ only where the unit is in the key).</summary>
    public static string ConfigKey(string property) => property == nameof(ZygoteOptions.MaxAge) ? nameof(MaxAgeSeconds) : property;

    /// <summary>These settings over <paramref name="d"/>.</summary>
    public ZygoteOptions ToZygoteOptions(ZygoteOptions d) => d with
    {
        Enabled = Enabled ?? d.Enabled,
        StandardZygote = StandardZygote ?? d.StandardZygote,
        Prepared = Prepared ?? d.Prepared,
        ScientificPrepared = ScientificPrepared ?? d.ScientificPrepared,
        NodePrepared = NodePrepared ?? d.NodePrepared,
        MaxJobs = MaxJobs ?? d.MaxJobs,
        MaxAge = MaxAgeSeconds is { } s ? TimeSpan.FromSeconds(s) : d.MaxAge,
    };
}
