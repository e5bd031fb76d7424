namespace Warden;

/// <summary>
/// Something went wrong with Warden itself or with a request, never with the program
/// under test (that is data in the result). <see cref="Code"/> is a stable machine-readable
/// code; the message names the cause and, where there is one, the fix. Messages never
/// contain stack traces; those that can reach a remote caller never contain host paths.
/// </summary>
public class WardenException : Exception
{
    /// <summary>Creates an exception with a stable code.</summary>
    public WardenException(string code, string message, Exception? inner = null) : base(message, inner) => Code = code;

    /// <summary>A stable, kebab-case error code such as <c>invalid-request</c>.</summary>
    public string Code { get; }
}

/// <summary>The request is malformed or out of bounds; <see cref="Field"/> names the culprit.</summary>
public sealed class InvalidRequestException(string field, string message) : WardenException("invalid-request", message)
{
    /// <summary>The JSON path of the offending field, such as <c>limits.memoryMb</c>.</summary>
    public string Field { get; } = field;
}

/// <summary>The language is not known, or its toolchain is not installed.</summary>
public sealed class LanguageUnavailableException(string language, string message) : WardenException("language-unavailable", message)
{
    /// <summary>The language asked for.</summary>
    public string Language { get; } = language;
}

/// <summary>
/// No language was named and detection could not tell it with confidence (see
/// <see cref="Languages.LanguageDetector"/>); nothing ran. <see cref="Candidates"/> lists what the
/// code could be, most likely first (empty when nothing pointed anywhere).
/// </summary>
public sealed class LanguageAmbiguousException(IReadOnlyList<string> candidates, string message) : WardenException("language-ambiguous", message)
{
    /// <summary>The languages the code could be.</summary>
    public IReadOnlyList<string> Candidates { get; } = candidates;
}

/// <summary>
/// The host cannot provide a layer of isolation. Warden refuses to run rather than run with
/// weaker isolation; <see cref="Fix"/> says how to repair the host.
/// </summary>
public sealed class IsolationUnavailableException(string message, string fix) : WardenException("isolation-unavailable", message + " Fix: " + fix)
{
    /// <summary>The exact command or change that repairs the host.</summary>
    public string Fix { get; } = fix;
}

/// <summary>Setting up or supervising a sandbox failed (not the program's fault).</summary>
public sealed class SandboxException(string message, Exception? inner = null) : WardenException("sandbox-error", message, inner);
