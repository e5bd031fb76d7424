using Warden.Checks;
using Warden.Languages;
using Warden.Linux.Isolation;
using Warden.Policy;
using Warden.Sessions;

namespace Warden;

/// <summary>
/// Everything a <see cref="WardenEngine"/> is built from. Each default is stated once, on the
/// options record that owns it; <see cref="DefaultLimits"/> is set here once and flows to the
/// runner, the fast path and the session manager.
/// </summary>
public sealed record WardenEngineOptions
{
    /// <summary>Limits for fields a run or session leaves out. Default: <see cref="Limits.Default"/>.</summary>
    public Limits DefaultLimits { get; init; } = Limits.Default;

    /// <summary>The Linux backend's options (fast path, uids, cgroup parent). Leave its <c>DefaultLimits</c> unset: <see cref="DefaultLimits"/> is the one place.</summary>
    public EngineOptions Engine { get; init; } = new();

    /// <summary>The session manager's options. Leave its <c>DefaultLimits</c> unset, as for <see cref="Engine"/>.</summary>
    public SessionManagerOptions Sessions { get; init; } = new();

    /// <summary>The rules and overrides of the advisory code checks a run may ask for (its own mode wins). Default: every rule.</summary>
    public CheckPolicy Checks { get; init; } = CheckPolicy.Default;

    /// <summary>The language table. Default: the built-in languages (<see cref="LanguageRegistry.BuiltIn"/>).</summary>
    public IReadOnlyList<LanguageDefinition>? Languages { get; init; }

    /// <summary>Every problem of these options, each named by its property path; empty when valid.</summary>
    public IReadOnlyList<OptionProblem> Problems()
    {
        var p = new List<OptionProblem>();
        p.AddRange(LimitsRequest.Problems(DefaultLimits).Select(x => x.Under(nameof(DefaultLimits) + ":")));
        if (Engine.DefaultLimits != Limits.Default && Engine.DefaultLimits != DefaultLimits)
            p.Add(new OptionProblem("Engine:DefaultLimits", "differs from DefaultLimits; set the default limits once, in DefaultLimits."));
        if (Sessions.DefaultLimits != Limits.Default && Sessions.DefaultLimits != DefaultLimits)
            p.Add(new OptionProblem("Sessions:DefaultLimits", "differs from DefaultLimits; set the default limits once, in DefaultLimits."));
        p.AddRange(Engine.Problems().Where(x => !x.Property.StartsWith("DefaultLimits:", StringComparison.Ordinal)).Select(x => x.Under("Engine:")));
        p.AddRange(Sessions.Problems().Where(x => !x.Property.StartsWith("DefaultLimits:", StringComparison.Ordinal)).Select(x => x.Under("Sessions:")));
        if (Languages is { Count: 0 }) p.Add(new OptionProblem(nameof(Languages), "is empty; leave it unset for the built-in languages."));
        return p;
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> listing every problem.</summary>
    public void Validate() => OptionProblem.ThrowIfAny("engine options", Problems());
}
