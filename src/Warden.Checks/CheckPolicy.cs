using System.Text.Json;
using Warden.Checks.Json;
using Warden.Checks.Rules;

namespace Warden.Checks;

/// <summary>
/// What the code checks do: the mode, which rules run, their severities and the module lists.
/// Immutable; load it from JSON with <see cref="FromJson"/> (unknown keys and unknown rule ids are
/// errors, never silently ignored). The default runs every rule in <see cref="CheckMode.Warn"/> mode
/// with the built-in module deny lists.
/// </summary>
public sealed record CheckPolicy
{
    /// <summary>The default policy.</summary>
    public static CheckPolicy Default { get; } = new();

    /// <summary>Off, warn (findings come back with the run) or block (a block-level finding refuses the run). Default: warn.</summary>
    public CheckMode Mode { get; init; } = CheckMode.Warn;

    /// <summary>When set, only these rules run. Entries are rule ids or prefixes ending in <c>*</c> (<c>py.*</c>).</summary>
    public IReadOnlyList<string>? EnabledRules { get; init; }

    // The JSON source generator sets every init-only property, absent ones to null: keep the defaults instead.

    /// <summary>Rules that do not run (ids or <c>*</c> prefixes).</summary>
    public IReadOnlyList<string> DisabledRules { get; init => field = value ?? []; } = [];

    /// <summary>Severity overrides by rule id or <c>*</c> prefix; an exact id wins over a prefix, a longer prefix over a shorter.</summary>
    public IReadOnlyDictionary<string, Severity> Severities { get; init => field = value ?? new Dictionary<string, Severity>(); } = new Dictionary<string, Severity>();

    /// <summary>Module lists by language (<c>python</c>, <c>javascript</c>; aliases accepted).</summary>
    public IReadOnlyDictionary<string, ModulePolicy> Modules { get; init => field = value ?? new Dictionary<string, ModulePolicy>(); } = new Dictionary<string, ModulePolicy>();

    /// <summary>Reads a policy from JSON (camelCase keys; comments and trailing commas allowed) and validates it.</summary>
    /// <exception cref="InvalidRequestException">The JSON is malformed, has unknown keys, or names unknown rules or languages.</exception>
    public static CheckPolicy FromJson(string json)
    {
        CheckPolicy? policy;
        try
        {
            policy = JsonSerializer.Deserialize(json, ChecksJsonContext.Default.CheckPolicy);
        }
        catch (JsonException e)
        {
            throw new InvalidRequestException("checks" + (e.Path is { Length: > 1 } p ? p[1..] : ""), $"Invalid check policy: {e.Message}");
        }
        policy ??= Default;
        policy.Validate();
        return policy;
    }

    /// <summary>Checks every rule pattern, severity and language named here exists.</summary>
    /// <exception cref="InvalidRequestException">Something named here is unknown.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode)) throw new InvalidRequestException("checks.mode", "Unknown check mode; use off, warn or block.");
        CheckPatterns(EnabledRules ?? [], "checks.enabledRules");
        CheckPatterns(DisabledRules, "checks.disabledRules");
        CheckPatterns(Severities.Keys, "checks.severities");
        foreach (var (language, modules) in Modules)
        {
            var checker = CheckerLanguages.Resolve(language).Checker;
            if (checker is not ("python" or "javascript"))
                throw new InvalidRequestException($"checks.modules.{language}", $"Module lists exist for python and javascript, not '{language}'.");
            if ((modules.Allow ?? []).Concat(modules.Deny).Any(string.IsNullOrWhiteSpace))
                throw new InvalidRequestException($"checks.modules.{language}", "Module names must not be empty.");
        }
    }

    private static void CheckPatterns(IEnumerable<string> patterns, string field)
    {
        foreach (var p in patterns)
            if (string.IsNullOrEmpty(p) || !RuleCatalog.IsKnownPattern(p))
                throw new InvalidRequestException(field, $"Unknown rule '{p}'. Run `warden check --rules` for the list.");
    }

    internal bool Runs(string ruleId) =>
        (EnabledRules is null || EnabledRules.Any(p => RuleCatalog.Matches(p, ruleId)))
        && !DisabledRules.Any(p => RuleCatalog.Matches(p, ruleId));

    internal Severity SeverityOf(string ruleId)
    {
        if (Severities.TryGetValue(ruleId, out var exact)) return exact;
        var best = Severities.Where(kv => kv.Key.EndsWith('*') && RuleCatalog.Matches(kv.Key, ruleId))
            .OrderByDescending(kv => kv.Key.Length).Select(kv => (Severity?)kv.Value).FirstOrDefault();
        return best ?? RuleCatalog.Get(ruleId).DefaultSeverity;
    }

    /// <summary>The module policy for a checker language, merged with the built-in deny list.</summary>
    internal Analysis.ModuleGate ModuleGate(string checker, IEnumerable<string> builtInDeny, char separator)
    {
        var own = Modules.Where(kv => CheckerLanguages.Resolve(kv.Key).Checker == checker).Select(kv => kv.Value).ToList();
        var allow = own.Any(m => m.Allow is not null) ? own.SelectMany(m => m.Allow ?? []) : null;
        return new Analysis.ModuleGate(builtInDeny.Concat(own.SelectMany(m => m.Deny)), allow, separator);
    }
}
