using Warden.Policy;

namespace Warden.Sandbox;

/// <summary>
/// One command to run in one fresh sandbox: what a backend needs, with no language logic.
/// The working directory is /workspace.
/// </summary>
public sealed record SandboxSpec
{
    /// <summary>The command and its arguments (argv[0] an absolute path or relative to /workspace).</summary>
    public required IReadOnlyList<string> Argv { get; init; }
    /// <summary>Files placed in /workspace before the command starts.</summary>
    public IReadOnlyList<SandboxFile> Files { get; init; } = [];
    /// <summary>Standard input.</summary>
    public ReadOnlyMemory<byte> Stdin { get; init; }
    /// <summary>The complete environment of the command (the backend adds nothing but what it documents).</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    /// <summary>Resource limits.</summary>
    public required Limits Limits { get; init; }
    /// <summary>Patterns of files to bring back from /workspace when the command ends.</summary>
    public IReadOnlyList<string> Collect { get; init; } = [];
    /// <summary>Maximum total bytes of collected files.</summary>
    public long CollectMaxBytes { get; init; } = 16L << 20;
    /// <summary>Extra host directories to bind read-only at the same path.</summary>
    public IReadOnlyList<string> ExtraBinds { get; init; } = [];
    /// <summary>Tasks added to the pid limit for the toolchain's own threads.</summary>
    public int ExtraPids { get; init; }
    /// <summary>
    /// When set, the backend may run this spec on a fast path (a prepared sandbox or a zygote of
    /// this kind) instead of starting a fresh one; the result's path says which ran.
    /// </summary>
    public FastPathHint? FastPath { get; init; }
    /// <summary>A label for logs and events (<c>compile</c> or <c>run</c>).</summary>
    public string Phase { get; init; } = "run";
}

/// <summary>What a fast path needs to run a spec without its argv: the kind (<c>python</c>), the entry file and the arguments.</summary>
public sealed record FastPathHint(string Kind, string Entry, IReadOnlyList<string> Args);

/// <summary>A file to place in the sandbox.</summary>
public sealed record SandboxFile(string Path, ReadOnlyMemory<byte> Content, bool Executable = false);

/// <summary>A chunk of output as it was produced.</summary>
public readonly record struct OutputChunk(bool IsStderr, string Text);
