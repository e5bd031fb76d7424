namespace Warden.Checks;

/// <summary>
/// The advisory code checks as the runner sees them: the report for <paramref name="code"/> in
/// <paramref name="language"/> under <paramref name="mode"/>; a run whose report is
/// <see cref="CheckReport.Blocked"/> is refused with <see cref="CodeCheckBlockedException"/>.
/// Implemented by Warden.Checks (<c>CodeChecker</c>) and composed by <c>WardenEngine</c>;
/// the sandbox, not this, is the security boundary.
/// </summary>
public delegate CheckReport CodeCheck(string language, string code, CheckMode mode);
