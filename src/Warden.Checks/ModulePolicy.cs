namespace Warden.Checks;

/// <summary>
/// Which modules one language's code may import. A module matches an entry when the entry is
/// the module or one of its parent packages (<c>os</c> covers <c>os.path</c>, <c>fs</c> covers <c>fs/promises</c>).
/// </summary>
public sealed record ModulePolicy
{
    /// <summary>
    /// When set, an allow-list: importing anything else is a <c>*.module-not-allowed</c> finding.
    /// A module named here is also exempt from the built-in deny list. Null (the default) allows
    /// every module not denied.
    /// </summary>
    public IReadOnlyList<string>? Allow { get; init; }

    /// <summary>Modules denied on top of the built-in deny list (<c>*.module-denied</c> findings).</summary>
    public IReadOnlyList<string> Deny { get; init => field = value ?? []; } = [];
}
