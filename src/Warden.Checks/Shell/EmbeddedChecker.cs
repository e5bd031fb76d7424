using Warden.Checks.Analysis;

namespace Warden.Checks.Shell;

/// <summary>Checks code in another language (<c>python</c> or <c>javascript</c>) that a shell script runs.</summary>
internal delegate IReadOnlyList<RawFinding> EmbeddedChecker(string language, string code);
