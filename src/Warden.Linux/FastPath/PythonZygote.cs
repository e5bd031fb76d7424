using System.Globalization;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Execution;
using Warden.Languages;
using Warden.Linux.Cgroups;
using Warden.Linux.Isolation;
using Warden.Linux.Native;
using Warden.Policy;
using Warden.Sandbox;

namespace Warden.Linux.FastPath;

/// <summary>
/// One Python zygote: a Warden sandbox running sandbox/zygote/zygote.py, which has imported the
/// common modules (the standard library's; for <see cref="ZygoteKind.Scientific"/> also numpy,
/// pandas and matplotlib when installed) and forks one fully isolated child per job (see zygote.py for the steps). This side creates each job's cgroup and pipes,
/// hands them (and the cgroup's procs files, opened here) over with SCM_RIGHTS, and turns the
/// job's reports into a <see cref="SandboxOutcome"/>.
/// </summary>
internal sealed class PythonZygote : IAsyncDisposable
{
    /// <summary>Tasks per job besides the user's: its pid 1 and, for a moment, the helper that built its namespaces.</summary>
    private const int JobOverheadTasks = 2;

    private readonly LinuxSandboxBackend _backend;
    private readonly LinuxSandboxBackend.Ready _ready;
    private readonly SandboxProcess _sandbox;
    private readonly Socket _control;
    private readonly int _controlFd;
    private readonly object _sendGate = new();
    private long _counter;

    private PythonZygote(ZygoteKind kind, LinuxSandboxBackend backend, LinuxSandboxBackend.Ready ready, SandboxProcess sandbox, Socket control, int controlFd)
    {
        Kind = kind;
        _backend = backend;
        _ready = ready;
        _sandbox = sandbox;
        _control = control;
        _controlFd = controlFd;
        StartedAt = Environment.TickCount64;
    }

    /// <summary>What this zygote preloaded.</summary>
    public ZygoteKind Kind { get; }

    /// <summary>Top-level module names of the interpreter's standard library (<c>sys.stdlib_module_names</c>).</summary>
    public IReadOnlySet<string> StandardLibrary { get; private set; } = new HashSet<string>();

    /// <summary>Jobs handed to this zygote so far.</summary>
    public int Jobs => (int)Interlocked.Read(ref _counter);

    /// <summary>When this zygote started (Environment.TickCount64).</summary>
    public long StartedAt { get; }

    /// <summary>Completes when the zygote's sandbox has ended.</summary>
    public Task<SandboxOutcome> Completion => _sandbox.Completion;

    /// <summary>Whether the zygote is alive and answering (a wedged one gets no new work and is replaced).</summary>
    public bool Alive => !_sandbox.Completion.IsCompleted && Volatile.Read(ref _wedged) == 0;

    /// <summary>Whether the zygote's sandbox has not ended yet (it may be wedged).</summary>
    public bool Running => !_sandbox.Completion.IsCompleted;

    private int _wedged;

    /// <summary>
    /// Takes the zygote out of service: the pool stops giving it work and starts a replacement;
    /// its runs still finish at their deadlines (Warden kills them), then it is disposed.
    /// </summary>
    public void MarkWedged(string why)
    {
        if (Interlocked.Exchange(ref _wedged, 1) == 0 && DebugLog.Events) DebugLog.Write($"{Kind} zygote wedged: {why}");
    }

    /// <summary>
    /// Called when the zygote did not report a job's end in time: if any process of its sandbox is
    /// stopped (SIGSTOP, SIGTSTP, a tracer), it will never report again — it is marked wedged and
    /// true is returned. A merely slow zygote is left alone.
    /// </summary>
    public bool DetectWedged()
    {
        if (!Running) return false;
        foreach (var pid in _sandbox.CgroupPids())
        {
            var stat = CgroupFs.TryRead($"/proc/{pid}/stat");
            var end = stat?.LastIndexOf(')') ?? -1;
            if (end < 0 || end + 2 >= stat!.Length) continue;
            if (stat[end + 2] is 'T' or 't')
            {
                MarkWedged($"process {pid} is stopped");
                return true;
            }
        }
        return Volatile.Read(ref _wedged) != 0;
    }

    /// <summary>The modules the zygote managed to preload.</summary>
    public IReadOnlyList<string> Modules { get; private set; } = [];

    /// <summary>Whether the zygote's object arenas come from its huge-page region (sandbox/native/warden-zygote.c).</summary>
    public bool HugeArenas { get; private set; }

    /// <summary>Bytes of the zygote's memory it turned into huge pages after its imports.</summary>
    public long HugePageBytes { get; private set; }

    /// <summary>
    /// Whether the at-fork hooks that have nothing to do after the zygote's fork (threading's,
    /// logging's, lock re-initialisations, random's) are skipped in its jobs (zygote.py,
    /// <c>detach_fork_hooks</c>); false when the zygote could not prove it single-threaded.
    /// </summary>
    public bool ForkHooksDetached { get; private set; }

    /// <summary>Whether its jobs' <c>sys.stdin</c>, <c>sys.stdout</c> and <c>sys.stderr</c> are made once in the zygote (zygote.py, <c>prepare_stdio</c>).</summary>
    public bool StdioPrepared { get; private set; }

    /// <summary>Private memory of the zygote's whole sandbox (it holds the prepared children too).</summary>
    public long MemoryBytes => _sandbox.MemoryBytes;

    internal SandboxProcess Sandbox => _sandbox;

    public static async Task<PythonZygote> StartAsync(ZygoteKind kind, LinuxSandboxBackend backend, LinuxSandboxBackend.Ready ready, ZygoteOptions options, CancellationToken ct)
    {
        // The zygote's native core (its event loop and huge-page arenas) travels next to the helper.
        var core = Path.Combine(AppContext.BaseDirectory, "warden-zygote.so");
        if (!File.Exists(core)) throw new SandboxException($"The Python zygote's native core is missing ({Path.GetFileName(core)} next to Warden's assemblies); rebuild Warden.");
        var files = new List<SandboxFile> { new("zygote.py", ZygoteSource.Value), new("node_loader.js", NodeLoaderSource.Value), new("warden-zygote.so", File.ReadAllBytes(core)) };
        var (ours, theirs) = UnixSockets.SeqPacketPair();
        SandboxProcess sandbox;
        try
        {
            var spec = new SandboxSpec
            {
                // The control socket follows the input files in the sandbox's descriptors.
                Argv = ["/usr/bin/python3", "-B", "-s", "/workspace/zygote.py", (LinuxSandboxBackend.FirstFileFd + files.Count).ToString(CultureInfo.InvariantCulture)],
                Files = files,
                Env = new Dictionary<string, string>
                {
                    ["PATH"] = "/usr/local/bin:/usr/bin:/bin", ["HOME"] = "/workspace", ["LANG"] = "C.UTF-8",
                    ["MPLBACKEND"] = "Agg", ["MPLCONFIGDIR"] = "/tmp/.matplotlib", ["PYTHONDONTWRITEBYTECODE"] = "1",
                    // glibc's malloc heap in transparent huge pages too (fewer page-table entries to copy per fork).
                    ["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1",
                },
                Limits = new Limits
                {
                    TimeoutMs = (int)Math.Min(int.MaxValue, options.MaxAge.TotalMilliseconds + 600_000),
                    MemoryMb = options.ZygoteMemoryMb,
                    Pids = options.ZygotePids,
                    Cpus = Environment.ProcessorCount,
                    OutputBytes = 1 << 20,
                    DiskMb = 64,
                    OpenFiles = 4096,
                },
            };
            var privileges = new SandboxPrivileges
            {
                Capabilities = ["CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SETPCAP", "CAP_SYS_CHROOT"],
                Seccomp = false,
                DisableUserns = false,
                ExtraFds = [theirs],
            };
            sandbox = await SandboxProcess.StartAsync(backend, ready, spec, interactive: true, onOutput: null, privileges).ConfigureAwait(false);
        }
        finally
        {
            Libc.close(theirs);
        }
        var control = new Socket(new SafeSocketHandle(ours, ownsHandle: true));
        var z = new PythonZygote(kind, backend, ready, sandbox, control, ours);
        try
        {
            var hello = new JsonObject
            {
                ["seccomp"] = Convert.ToBase64String(ready.Files.SeccompProgram),
                ["helper"] = "/.warden/helper",
                ["core"] = "/workspace/warden-zygote.so",
                ["preload"] = kind == ZygoteKind.Scientific ? "scientific" : "standard",
                ["jobEnv"] = new JsonObject(DefaultJobEnvironment.Value.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            };
            z.Send(hello, []);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.StartTimeout);
            var first = await z.ReceiveAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new SandboxException("the Python zygote ended before it was ready");
            if (first["op"]?.GetValue<string>() != "ready") throw new SandboxException("the Python zygote sent an unexpected first message");
            z.Modules = first["modules"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
            z.HugeArenas = first["hugeArenas"]?.GetValue<bool>() ?? false;
            z.HugePageBytes = first["hugeBytes"]?.GetValue<long>() ?? 0;
            z.ForkHooksDetached = first["forkHooksDetached"]?.GetValue<bool>() ?? false;
            z.StdioPrepared = first["stdioPrepared"]?.GetValue<bool>() ?? false;
            z.StandardLibrary = first["stdlib"]?.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
            if (DebugLog.Events) DebugLog.Write($"zygote started: cgroup {string.Join(",", sandbox.CgroupDirs)}");
            return z;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or SandboxException)
        {
            z.Kill();
            var outcome = await z.Completion.ConfigureAwait(false);
            await z.DisposeAsync().ConfigureAwait(false);
            throw new SandboxException($"The {kind.ToString().ToLowerInvariant()} Python zygote did not start: {(outcome.Stderr.Length > 0 ? outcome.Stderr.Trim() : ex.Message)} (exit {outcome.ExitCode}, signal {outcome.Signal}, oom {outcome.OomKilled}, pids {outcome.PidsLimitHit}, timeout {outcome.TimedOut}, started {outcome.Started}, {outcome.Diagnostic})", ex);
        }
    }

    /// <summary>
    /// What a Python run's environment is unless the request adds to it (the built-in Python
    /// definition's): the zygote takes it on after its imports, so that such a job has nothing to
    /// change (any other environment is applied in the job, as before).
    /// </summary>
    private static readonly Lazy<Dictionary<string, string>> DefaultJobEnvironment = new(() =>
        LanguageRegistry.BuiltIn().FirstOrDefault(d => d.FastPath == "python") is { } python ? Runner.EnvironmentFor(python, null) : []);

    // Both from sandbox/zygote/ (embedded): the zygote, and the loader its JavaScript jobs hand to node.
    private static readonly Lazy<byte[]> ZygoteSource = new(() => Resource("Warden.Linux.zygote.py"));
    private static readonly Lazy<byte[]> NodeLoaderSource = new(() => Resource("Warden.Linux.node_loader.js"));

    private static byte[] Resource(string name)
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} resource missing");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private void Send(JsonObject message, ReadOnlySpan<int> fds) => Send(message.ToJsonString(), fds);

    private void Send(string message, ReadOnlySpan<int> fds)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        lock (_sendGate) UnixSockets.Send(_controlFd, bytes, fds);
    }

    private async Task<JsonObject?> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var n = await _control.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
        if (n <= 0) return null;
        try
        {
            return JsonNode.Parse(buffer.AsSpan(0, n)) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Prepares one job sandbox for <paramref name="limits"/>: cgroup, pipes, namespaces, cgroup
    /// join, privileges dropped, seccomp — everything but the code. Completes when the child is
    /// blocked waiting for its job.
    /// </summary>
    /// <param name="node">The child execs node with Warden's loader (a prepared JavaScript sandbox)
    /// instead of running the job in the zygote's Python.</param>
    public async Task<ZygoteJob> PrepareAsync(Limits limits, CancellationToken ct, bool node = false)
    {
        if (!Alive) throw new SandboxException("the Python zygote is not running");
        Interlocked.Increment(ref _counter);
        var pidsMax = limits.Pids + JobOverheadTasks;
        var cgroup = _ready.Cgroups.Create(_backend.NextName(), limits, pidsMax);
        var job = new ZygoteJob(limits, cgroup, this);
        var childEnds = new List<int>();
        try
        {
            var (jobR, jobW) = Libc.Pipe();
            childEnds.Add(jobR);
            job.JobWrite = jobW;
            var (outR, outW) = Libc.Pipe();
            childEnds.Add(outW);
            job.OutRead = outR;
            var (errR, errW) = Libc.Pipe();
            childEnds.Add(errW);
            job.ErrRead = errR;
            var (stR, stW) = Libc.Pipe();
            childEnds.Add(stW);
            job.StatusRead = stR;
            var (colR, colW) = Libc.Pipe();
            childEnds.Add(colW);
            job.CollectRead = colR;
            // The job's cgroup.procs files, opened here (as Warden): the job's processes join by
            // writing "0" to them, inside the zygote's sandbox, where the cgroup tree is not mounted.
            foreach (var procs in cgroup.ProcsFiles)
                childEnds.Add(Libc.Check(Libc.open(procs, Libc.O_WRONLY | Libc.O_CLOEXEC, 0), "open " + procs));

            var r = SandboxRlimits.Of(limits);
            // "prepare DISK_BYTES CGROUPS CPU_SOFT CPU_HARD FSIZE NOFILE KIND" parsed by the native loop (sandbox/PROTOCOLS.md §2).
            var message = string.Create(CultureInfo.InvariantCulture,
                $"prepare {SandboxRlimits.DiskBytes(limits)} {cgroup.ProcsFiles.Count} {r.CpuSoft} {r.CpuHard} {r.FileSizeBytes} {r.OpenFiles} {(node ? 1 : 0)}");
            Send(message, childEnds.ToArray());
            foreach (var fd in childEnds) Libc.close(fd);
            childEnds.Clear();
            await job.WaitPreparedAsync(ct).ConfigureAwait(false);
            return job;
        }
        catch
        {
            foreach (var fd in childEnds) Libc.close(fd);
            await job.DiscardAsync().ConfigureAwait(false);
            DetectWedged();
            throw;
        }
    }

    /// <summary>Asks the zygote to exit and waits for its sandbox to be gone.</summary>
    public async ValueTask DisposeAsync()
    {
        try { Send("exit", []); } catch (IOException) { }
        var done = await Task.WhenAny(_sandbox.Completion, Task.Delay(2000)).ConfigureAwait(false);
        if (done != _sandbox.Completion) _sandbox.Kill();
        await _sandbox.DisposeAsync().ConfigureAwait(false);
        _control.Dispose();
    }

    /// <summary>Kills the zygote (tests and recycling of a wedged zygote).</summary>
    public void Kill() => _sandbox.Kill();
}
