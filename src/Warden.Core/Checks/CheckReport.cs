namespace Warden.Checks;

/// <summary>What the code checks found in one program.</summary>
public sealed record CheckReport
{
    /// <summary>The checker that ran: <c>python</c>, <c>javascript</c>, <c>shell</c>, or the language id when none exists for it.</summary>
    public required string Language { get; init; }

    /// <summary>The mode the policy asked for.</summary>
    public required CheckMode Mode { get; init; }

    /// <summary>Whether a checker looked at the code (false when the mode is off or the language has no checker).</summary>
    public required bool Analyzed { get; init; }

    /// <summary>Findings in source order.</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>The most serious finding's severity; null when there are none.</summary>
    public Severity? HighestSeverity => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);

    /// <summary>True when the mode is <see cref="CheckMode.Block"/> and a finding reached <see cref="Severity.Block"/>: the run must be refused.</summary>
    public bool Blocked => Mode == CheckMode.Block && HighestSeverity == Severity.Block;

    /// <summary>Counts findings at <paramref name="severity"/>.</summary>
    public int Count(Severity severity) => Findings.Count(f => f.Severity == severity);

    /// <summary>An empty report: nothing analysed.</summary>
    public static CheckReport NotAnalyzed(string language, CheckMode mode) =>
        new() { Language = language, Mode = mode, Analyzed = false, Findings = [] };
}
