namespace Warden.Checks;

/// <summary>A query ran past its time budget and SQLite interrupted it. No partial result is returned.</summary>
public sealed class SqlTimeoutException(TimeSpan budget)
    : WardenException("sql-timeout", $"The query ran past its time budget of {budget.TotalMilliseconds:0} ms and was stopped. Narrow it (WHERE, LIMIT) or raise the budget.")
{
    /// <summary>The budget that ran out.</summary>
    public TimeSpan Budget { get; } = budget;
}
