using Warden.Policy;

namespace Warden.Execution;

/// <summary>
/// A one-shot execution: a language, the code (or files), and what the program may see.
/// Immutable; validated by <see cref="RunRequestValidator"/> before anything starts.
/// </summary>
public sealed record RunRequest
{
    /// <summary>
    /// Language id or alias, such as <c>python</c> or <c>c++</c>. Absent or <c>auto</c>: detected from
    /// the code's shebang, then the file name (<see cref="SourceName"/>, or <see cref="Entry"/>),
    /// then the content; a detection that is not confident is refused with
    /// <see cref="LanguageAmbiguousException"/>, never guessed.
    /// </summary>
    public string? Language { get; init; }

    /// <summary>
    /// The name of the file <see cref="Code"/> came from (the CLI's FILE), a hint for language
    /// detection only: the code is still written to the language's own source file. Not part of
    /// the HTTP contract.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? SourceName { get; init; }

    /// <summary>Source code, written to the language's default file (for example <c>main.py</c>).</summary>
    public string? Code { get; init; }

    /// <summary>Extra files placed in /workspace before the run (relative paths only).</summary>
    public IReadOnlyList<InputFile>? Files { get; init; }

    /// <summary>When <see cref="Code"/> is absent: which of <see cref="Files"/> is the program.</summary>
    public string? Entry { get; init; }

    /// <summary>Arguments passed to the program.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>Standard input; empty when absent.</summary>
    public string? Stdin { get; init; }

    /// <summary>Environment variables. The sandbox sees these and a few fixed ones (PATH, HOME, LANG), never the host's.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary>Limits; absent fields take the configured defaults.</summary>
    public LimitsRequest? Limits { get; init; }

    /// <summary>Advisory code checks: <c>off</c> (default), <c>warn</c> (findings in the result) or <c>block</c> (refused when a finding reaches block level).</summary>
    public string? Check { get; init; }

    /// <summary>Files to bring back from /workspace after the run: relative paths or glob patterns such as <c>*.png</c>.</summary>
    public IReadOnlyList<string>? Collect { get; init; }
}

/// <summary>A file given to the sandbox. Exactly one of <see cref="Content"/> (UTF-8 text) or <see cref="ContentBase64"/>.</summary>
public sealed record InputFile
{
    /// <summary>Path relative to /workspace, such as <c>data/input.csv</c>.</summary>
    public required string Path { get; init; }
    /// <summary>Text content.</summary>
    public string? Content { get; init; }
    /// <summary>Binary content, base64.</summary>
    public string? ContentBase64 { get; init; }
    /// <summary>Whether the file is executable.</summary>
    public bool Executable { get; init; }
}
