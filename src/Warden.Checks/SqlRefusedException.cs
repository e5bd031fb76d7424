namespace Warden.Checks;

/// <summary>
/// The SQL guard refused a statement before or while preparing it; nothing was executed.
/// <see cref="Reason"/> is a stable, machine-readable cause such as <c>write</c>,
/// <c>multiple-statements</c>, <c>attach</c>, <c>pragma</c>, <c>function</c> or <c>not-read-only</c>.
/// </summary>
public sealed class SqlRefusedException(string reason, string message) : WardenException("sql-refused", message)
{
    /// <summary>Why, as a stable kebab-case word.</summary>
    public string Reason { get; } = reason;
}
