namespace Warden.Execution;

/// <summary>
/// The outcome of one execution: the result contract (docs/api.md), shared by the
/// library, the CLI's <c>--json</c>, HTTP and MCP.
/// </summary>
public sealed record RunResult
{
    /// <summary>The language id that ran.</summary>
    public required string Language { get; init; }
    /// <summary>
    /// How <see cref="Language"/> was chosen: <c>request</c> (named by the caller), or detected from
    /// the code's <c>shebang</c> line, its <c>filename</c>'s extension, or its <c>content</c>.
    /// </summary>
    public string LanguageSource { get; init; } = Languages.LanguageSources.Request;
    /// <summary>Why the run ended.</summary>
    public required RunReason Reason { get; init; }
    /// <summary>
    /// Every limit the program reached during the run, read from the sandbox's own counters,
    /// whatever <see cref="Reason"/> says (a program that hit the task limit and still exited 0
    /// lists <c>pids</c>): <c>timeout</c>, <c>memory</c>, <c>pids</c>, <c>output</c>, <c>disk</c>,
    /// <c>cpu-throttled</c>, in that order. Empty when none was reached. See docs/api.md.
    /// </summary>
    public IReadOnlyList<string> LimitsReached { get; init; } = [];
    /// <summary>The exit code; null when the program was killed by a signal or never started.</summary>
    public int? ExitCode { get; init; }
    /// <summary>The terminating signal's name, such as <c>SIGKILL</c>; null when it exited.</summary>
    public string? Signal { get; init; }
    /// <summary>Standard output, UTF-8 (invalid bytes replaced), at most the output cap.</summary>
    public string Stdout { get; init; } = "";
    /// <summary>Standard error, as <see cref="Stdout"/>.</summary>
    public string Stderr { get; init; } = "";
    /// <summary>Whether stdout went past the cap.</summary>
    public bool StdoutTruncated { get; init; }
    /// <summary>Whether stderr went past the cap.</summary>
    public bool StderrTruncated { get; init; }
    /// <summary>Wall time from sandbox start to end, in ms.</summary>
    public double WallMs { get; init; }
    /// <summary>CPU time of the whole sandbox (user + system), in ms.</summary>
    public double CpuMs { get; init; }
    /// <summary>Peak memory of the whole sandbox, in bytes.</summary>
    public long PeakMemoryBytes { get; init; }
    /// <summary>For compiled languages, the compile step's own result.</summary>
    public RunResult? Compile { get; init; }
    /// <summary>Files collected from /workspace, as the request asked.</summary>
    public IReadOnlyList<OutputFile> Files { get; init; } = [];
    /// <summary>Findings of the advisory code checks when the request asked for them; empty otherwise.</summary>
    public IReadOnlyList<Checks.Finding> Findings { get; init; } = [];
    /// <summary>Which path ran the code: <c>cold</c> (a sandbox started on demand), later <c>pool</c> or <c>zygote</c>.</summary>
    public string Path { get; init; } = "cold";
    /// <summary>A short explanation for sandbox-error, compile-error and limits; null otherwise. Never holds host paths.</summary>
    public string? Message { get; init; }
    /// <summary>Host-side detail of a sandbox error, for local logs and the CLI; never serialized.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Diagnostic { get; init; }
    /// <summary>The limits the run had.</summary>
    public Policy.Limits? Limits { get; init; }
}

/// <summary>A file brought back from the sandbox.</summary>
public sealed record OutputFile
{
    /// <summary>Path relative to /workspace.</summary>
    public required string Path { get; init; }
    /// <summary>Size in bytes.</summary>
    public long SizeBytes { get; init; }
    /// <summary>Content, base64; null when the file was over the collection cap (see <see cref="Skipped"/>).</summary>
    public string? ContentBase64 { get; init; }
    /// <summary>Why the content is missing, such as <c>too-large</c>.</summary>
    public string? Skipped { get; init; }
}
