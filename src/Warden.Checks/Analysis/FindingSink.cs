namespace Warden.Checks.Analysis;

/// <summary>
/// Collects an analyser's findings before the policy is applied. The same rule at the same
/// place is reported once, however many evaluation paths reach it. A silent sink (used while
/// collecting bindings) drops everything.
/// </summary>
internal sealed class FindingSink
{
    private readonly HashSet<(string Rule, int Line, int Column)> _seen = [];
    private readonly List<RawFinding> _items = [];

    public bool Silent { get; set; }

    public IReadOnlyList<RawFinding> Items => _items;

    public void Add(string rule, int line, int column, string message, string? suggestion = null)
    {
        if (Silent || !_seen.Add((rule, line, column))) return;
        _items.Add(new RawFinding(rule, line, column, message, suggestion));
    }

    public void Add(string rule, in Token at, string message, string? suggestion = null) =>
        Add(rule, at.Line, at.Column, message, suggestion);
}

/// <summary>A finding before the policy gives it its final severity.</summary>
internal readonly record struct RawFinding(string RuleId, int Line, int Column, string Message, string? Suggestion);
