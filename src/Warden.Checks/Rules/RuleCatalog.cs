using Warden.Checks.JavaScript;
using Warden.Checks.Python;
using Warden.Checks.Shell;

namespace Warden.Checks.Rules;

/// <summary>Every rule of every checker, by id.</summary>
internal static class RuleCatalog
{
    public static readonly IReadOnlyList<RuleInfo> All = [.. PyRules.All, .. JsRules.All, .. ShellRules.All];

    private static readonly Dictionary<string, RuleInfo> ById = All.ToDictionary(r => r.Id, StringComparer.Ordinal);

    public static RuleInfo Get(string id) => ById[id];

    public static bool Exists(string id) => ById.ContainsKey(id);

    /// <summary>Whether <paramref name="pattern"/> (an id, or a prefix ending in <c>*</c> such as <c>py.*</c>) names <paramref name="id"/>.</summary>
    public static bool Matches(string pattern, string id) =>
        pattern.EndsWith('*') ? id.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == id;

    /// <summary>Whether a policy pattern names at least one known rule.</summary>
    public static bool IsKnownPattern(string pattern) => All.Any(r => Matches(pattern, r.Id));
}
