using Warden.Languages;

namespace Warden.Checks;

/// <summary>
/// Maps the language names the rest of Warden accepts (ids and aliases from the language table:
/// python/py/python3, javascript/js/node, bash, sh/shell) to a checker.
/// </summary>
internal static class CheckerLanguages
{
    private static readonly LanguageRegistry Registry = new(LanguageRegistry.BuiltIn());

    /// <summary>The language id and the checker for it (null when Warden knows the language but has no checker).</summary>
    /// <exception cref="LanguageUnavailableException">Warden does not know the language.</exception>
    public static (string Id, string? Checker) Resolve(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        var id = Registry.Find(language)?.Id
            ?? throw new LanguageUnavailableException(language, $"Unknown language '{Clip(language)}'. Checkers exist for python, javascript, bash and sh.");
        return (id, id switch
        {
            "python" => "python",
            "javascript" => "javascript",
            "bash" or "sh" => "shell",
            _ => null,
        });
    }

    /// <summary>The language for a file extension such as <c>.py</c>, or null.</summary>
    public static string? ForExtension(string extension) => Registry.FindByExtension(extension)?.Id;

    private static string Clip(string s)
    {
        var t = new string(s.Where(c => !char.IsControl(c)).Take(40).ToArray());
        return t.Length < s.Length ? t + "…" : t;
    }
}
