using Warden.Eval.Languages;

namespace Warden.Eval.Tests.Support;

/// <summary>
/// A fact that runs only where the runner reports the <c>rust-test</c> language available
/// (Debian's rustc at /usr/bin/rustc; a rustup toolchain under /root is not visible to the
/// sandbox user), and is skipped with the runner's reason otherwise.
/// </summary>
public sealed class RequiresRustTestFactAttribute : FactAttribute
{
    /// <summary>Why rust-test is unavailable, or null when it is available.</summary>
    public static string? Unavailable { get; } = Probe();

    public RequiresRustTestFactAttribute()
    {
        if (Unavailable is { } why) Skip = $"rust-test is not available to the sandbox: {why} (apt-get install rustc)";
    }

    private static string? Probe()
    {
        var languages = Sandboxes.Runner.Languages;
        var definition = languages.Find(RustTestEvalLanguage.LanguageId);
        if (definition is null) return "the language table has no rust-test";
        var status = languages.Status(definition);
        return status.Available ? null : status.Reason;
    }
}
