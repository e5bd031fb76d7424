namespace Warden.Eval.Tests.Support;

/// <summary>
/// A theory that runs only where the runner reports <see cref="Language"/> available (its
/// toolchain installed and executable by the sandbox user), and is skipped with the runner's
/// reason otherwise (docs/testing.md).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresLanguageTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless <paramref name="language"/> is available to the sandbox.</summary>
    public RequiresLanguageTheoryAttribute(string language)
    {
        Language = language;
        var languages = Sandboxes.Runner.Languages;
        var status = languages.Find(language) is { } d ? languages.Status(d) : null;
        if (status is null) Skip = $"the language table has no {language}";
        else if (!status.Available) Skip = $"{language} is not available to the sandbox: {status.Reason}";
    }

    /// <summary>The language the theory needs.</summary>
    public string Language { get; }
}
