namespace Warden.Languages;

/// <summary>Whether a language can run on this host, and why not.</summary>
public sealed record LanguageStatus(LanguageDefinition Definition, bool Available, string? Reason);
