namespace Warden.Languages;

/// <summary>
/// How to compile and run one language: data, not code. Loaded from the embedded
/// <c>languages.json</c> (and optionally a file of the operator's). Commands are argument
/// vectors run inside the sandbox with /workspace as the working directory; <c>{source}</c>
/// is replaced by the source file name, <c>{memoryMb}</c> by the memory limit.
/// </summary>
public sealed record LanguageDefinition
{
    /// <summary>Stable id, such as <c>python</c>.</summary>
    public required string Id { get; init; }
    /// <summary>Human name and version hint.</summary>
    public required string Name { get; init; }
    /// <summary>Other names accepted in requests (<c>py</c>, <c>python3</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
    /// <summary>File name the code is written to in /workspace.</summary>
    public required string SourceFile { get; init; }
    /// <summary>File extensions that select this language for <c>warden run FILE</c>.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];
    /// <summary>Compile command, or null for interpreted languages.</summary>
    public IReadOnlyList<string>? Compile { get; init; }
    /// <summary>Files (globs) the compile step produces that the run step needs.</summary>
    public IReadOnlyList<string> Artifacts { get; init; } = [];
    /// <summary>Run command.</summary>
    public required IReadOnlyList<string> Run { get; init; }
    /// <summary>Host executables that must exist for the language to be available (first is the main tool).</summary>
    public required IReadOnlyList<string> Requires { get; init; }
    /// <summary>Fixed environment for this language (the request's variables win).</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    /// <summary>Extra host directories bound read-only at the same path (toolchains outside /usr).</summary>
    public IReadOnlyList<string> Binds { get; init; } = [];
    /// <summary>The fast path that can run this language's programs (<c>python</c>), or null.</summary>
    public string? FastPath { get; init; }
    /// <summary>Minimum memory the toolchain needs, in MiB; smaller limits are refused with a clear error.</summary>
    public int MinMemoryMb { get; init; } = 16;
    /// <summary>Tasks the toolchain itself needs on top of the user's (JVM threads, for example).</summary>
    public int ExtraPids { get; init; }
}
