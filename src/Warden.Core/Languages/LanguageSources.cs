namespace Warden.Languages;

/// <summary>How a run's language was chosen (a result's <c>languageSource</c>).</summary>
public static class LanguageSources
{
    /// <summary>The caller named it.</summary>
    public const string Request = "request";
    /// <summary>The code's first line, <c>#!...</c>, names its interpreter.</summary>
    public const string Shebang = "shebang";
    /// <summary>The program's file name has a known extension.</summary>
    public const string Filename = "filename";
    /// <summary>The content classifier was confident.</summary>
    public const string Content = "content";
}
