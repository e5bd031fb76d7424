namespace Warden.Checks.Shell;

/// <summary>
/// A shell word after quote removal and the expansions the checker can do statically.
/// <see cref="Fields"/> is the word split where an unquoted <c>$IFS</c> stood (one field otherwise).
/// </summary>
/// <param name="Token">The source word.</param>
/// <param name="Text">The value, or null when part of it is only known at run time.</param>
/// <param name="Fields">The fields; empty when <paramref name="Text"/> is null.</param>
/// <param name="Decoded">A command substitution decoded data (base64 -d, xxd -r, rev, tr).</param>
/// <param name="Fetches">A command substitution fetches from the network.</param>
/// <param name="StartsWithUnknownVariable">The word begins with a variable whose value is unknown.</param>
internal sealed record ResolvedWord(ShellToken Token, string? Text, IReadOnlyList<string> Fields, bool Decoded, bool Fetches, bool StartsWithUnknownVariable);
