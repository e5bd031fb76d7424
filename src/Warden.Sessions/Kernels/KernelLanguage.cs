using System.Collections.Concurrent;
using System.Reflection;

namespace Warden.Sessions.Kernels;

/// <summary>How to start the kernel of one language inside a sandbox.</summary>
internal sealed record KernelLanguage(string Id, string[] Aliases, string Executable, Func<string, string[]> Argv,
    IReadOnlyDictionary<string, string> Env, int ExtraPids, int MinMemoryMb)
{
    /// <summary>
    /// A program that turns the kernel's source (on stdin) into a compiled form (on stdout, one line of
    /// ASCII) once per process, in a sandbox; null when the language has none.
    /// </summary>
    public string[]? CompileArgv { get; init; }

    /// <summary>The command line that starts the kernel from its compiled form.</summary>
    public Func<string, string[]>? CompiledArgv { get; init; }

    private const string Path = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>Python: Debian's /usr/bin/python3, started without site (the kernel loads it after saying ready).</summary>
    public static KernelLanguage Python { get; } = new("python", ["py", "python3"], "/usr/bin/python3",
        src => ["/usr/bin/python3", "-S", "-B", "-c", src],
        new Dictionary<string, string>
        {
            ["PATH"] = Path, ["HOME"] = "/tmp", ["LANG"] = "C.UTF-8", ["PYTHONIOENCODING"] = "utf-8",
            ["PYTHONDONTWRITEBYTECODE"] = "1", ["PYTHONUNBUFFERED"] = "1",
            // Agg for python processes started by commands; the kernel itself switches to its inline backend.
            ["MPLBACKEND"] = "Agg", ["MPLCONFIGDIR"] = "/tmp/.matplotlib",
        },
        ExtraPids: 4, MinMemoryMb: 32)
    {
        // Compiling the kernel's source costs ~20 ms at every start and leaves its syntax tree's
        // garbage in the heap; a marshalled code object loads in ~0.3 ms.
        CompileArgv = ["/usr/bin/python3", "-S", "-B", "-c",
            "import sys,marshal,binascii;sys.stdout.write(binascii.b2a_base64(marshal.dumps(compile(sys.stdin.buffer.read().decode(),'<warden-kernel>','exec')),newline=False).decode())"],
        CompiledArgv = code => ["/usr/bin/python3", "-S", "-B", "-c", "import sys,marshal,binascii;exec(marshal.loads(binascii.a2b_base64(sys.argv[1])))", code],
    };

    /// <summary>JavaScript: /usr/bin/node running the kernel with a persistent vm context.</summary>
    public static KernelLanguage JavaScript { get; } = new("javascript", ["js", "node", "nodejs"], "/usr/bin/node",
        // The shell gives the protocol fds of its own (3: messages, 4: requests) before node starts;
        // node's own stdout and stderr go to the sandbox's stderr.
        src => ["/bin/sh", "-c", "exec /usr/bin/node --max-semi-space-size=4 -e \"$0\" 3>&1 4<&0 </dev/null 1>&2", src],
        new Dictionary<string, string> { ["PATH"] = Path, ["HOME"] = "/tmp", ["LANG"] = "C.UTF-8" },
        ExtraPids: 24, MinMemoryMb: 128);

    /// <summary>Every kernel language.</summary>
    public static IReadOnlyList<KernelLanguage> All { get; } = [Python, JavaScript];

    /// <summary>The language for an id or alias, or null.</summary>
    public static KernelLanguage? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(l => l.Id.Equals(name, StringComparison.OrdinalIgnoreCase) || l.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));

    private static readonly ConcurrentDictionary<string, string> Sources = new(StringComparer.Ordinal);

    public string Source => Sources.GetOrAdd(Id, static id =>
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("Warden.Sessions.kernels." + id)
            ?? throw new WardenException("language-unavailable", $"The {id} kernel is not part of this build.");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    });
}
