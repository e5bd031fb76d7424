using System.Diagnostics;
using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using Warden.Linux.Cgroups;
using Warden.Linux.Native;
using Warden.Sandbox;

namespace Warden.Linux.Isolation;

/// <summary>
/// One sandbox from spawn to removal: its cgroup, uid, descriptors, supervision and the task
/// that, when the program ends or is killed, sweeps the cgroup, drains the pipes, reads the
/// statistics, removes the cgroup and returns the uid. One-shot runs await <see cref="Completion"/>;
/// sessions talk to the program through <see cref="Input"/> and <see cref="Output"/>.
/// </summary>
internal sealed class SandboxProcess : IInteractiveSandbox
{
    private readonly LinuxSandboxBackend _backend;
    private readonly SandboxCgroup _cgroup;
    private readonly int _uid;
    private readonly Supervision _supervisor = new();
    private readonly SandboxSpec _spec;
    private Stream? _input;
    private Stream? _output;
    private Task<SandboxOutcome> _completion = null!;
    private int _pid1Pidfd = -1;
    private readonly object _pid1Gate = new();

    private SandboxProcess(LinuxSandboxBackend backend, SandboxCgroup cgroup, int uid, SandboxSpec spec)
    {
        _backend = backend;
        _cgroup = cgroup;
        _uid = uid;
        _spec = spec;
    }

    public Stream Input => _input ?? throw new InvalidOperationException("not an interactive sandbox");
    public Stream Output => _output ?? throw new InvalidOperationException("not an interactive sandbox");
    public Task<SandboxOutcome> Completion => _completion;
    public KillCause Cause => _supervisor.Cause;
    public long MemoryBytes => _cgroup.CurrentMemory();

    /// <summary>This sandbox's cgroup directories.</summary>
    public IReadOnlyList<string> CgroupDirs => _cgroup.Dirs;

    /// <summary>Host pids in this sandbox's cgroup right now.</summary>
    public HashSet<int> CgroupPids() => _cgroup.Pids();

    public static async Task<SandboxProcess> StartAsync(LinuxSandboxBackend backend, LinuxSandboxBackend.Ready ready, SandboxSpec spec,
        bool interactive, Func<OutputChunk, ValueTask>? onOutput, SandboxPrivileges? privileges = null)
    {
        privileges ??= SandboxPrivileges.Standard;
        ready.Warmer?.Touch();
        var limits = spec.Limits;
        var pidsMax = limits.Pids + spec.ExtraPids + LinuxSandboxBackend.OverheadTasks;
        var cgroup = ready.Cgroups.Create(backend.NextName(), limits, pidsMax);
        var uid = backend.RentUid();
        var p = new SandboxProcess(backend, cgroup, uid, spec);
        var ours = new List<int>();
        var childEnds = new List<int>();
        var spawned = false;
        try
        {
            int stdinChild;
            if (interactive)
            {
                var (inR, inW) = Libc.Pipe();
                childEnds.Add(inR);
                ours.Add(inW);
                stdinChild = inR;
            }
            else
            {
                stdinChild = Libc.MemFd("stdin", spec.Stdin.Span);
                childEnds.Add(stdinChild);
            }
            var (outR, outW) = Libc.Pipe();
            ours.Add(outR); childEnds.Add(outW);
            var (errR, errW) = Libc.Pipe();
            ours.Add(errR); childEnds.Add(errW);
            var (stR, stW) = Libc.Pipe();
            ours.Add(stR); childEnds.Add(stW);
            var seccomp = Libc.MemFd("seccomp", ready.Files.SeccompProgram);
            childEnds.Add(seccomp);

            var fdMap = new List<(int, int)>
            {
                (0, stdinChild), (1, outW), (2, errW), (LinuxSandboxBackend.StatusFd, stW), (LinuxSandboxBackend.SeccompFd, seccomp),
            };
            var files = new List<(int, string, string)>();
            var dirs = new SortedSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < spec.Files.Count; i++)
            {
                var f = spec.Files[i];
                var fd = Libc.MemFd("file", f.Content.Span);
                childEnds.Add(fd);
                fdMap.Add((LinuxSandboxBackend.FirstFileFd + i, fd));
                var dest = "/workspace/" + f.Path;
                for (var d = Path.GetDirectoryName(dest); d is not null && d != "/workspace"; d = Path.GetDirectoryName(d)) dirs.Add(d);
                files.Add((LinuxSandboxBackend.FirstFileFd + i, dest, f.Executable ? "0755" : "0644"));
            }

            var nextFd = LinuxSandboxBackend.FirstFileFd + spec.Files.Count;
            foreach (var extra in privileges.ExtraFds) fdMap.Add((nextFd++, extra));
            var argv = backend.BuildLauncherArgv(ready, spec, cgroup, uid, pidsMax, files, dirs, nextFd, privileges);
            var started = Stopwatch.GetTimestamp();
            var pid = await Spawner.SpawnAsync(ready.Files.Helper, argv, [], fdMap).ConfigureAwait(false);
            spawned = true;
            p._supervisor.Attach(pid);
            var exit = Spawner.WaitAsync(pid);
            foreach (var fd in childEnds) Libc.close(fd);
            childEnds.Clear();

            Task<(byte[], bool)> stdout;
            if (interactive)
            {
                p._input = new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(ours[0], ownsHandle: true));
                p._output = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(outR, ownsHandle: true));
                stdout = Task.FromResult((Array.Empty<byte>(), false));
            }
            else
            {
                stdout = OutputPump.RunAsync(outR, limits.OutputBytes, isStderr: false, onOutput, () => p.KillFor(KillCause.OutputLimit));
            }
            var stderr = OutputPump.RunAsync(errR, limits.OutputBytes, isStderr: true, onOutput, () => p.KillFor(KillCause.OutputLimit));
            var status = StatusChannel.ReadAsync(stR, spec.CollectMaxBytes + (1 << 20));
            ours.Clear(); // the streams and pumps own the parent ends now
            p._completion = p.SuperviseAsync(exit, stdout, stderr, status, started);
            return p;
        }
        catch
        {
            foreach (var fd in childEnds) Libc.close(fd);
            foreach (var fd in ours) Libc.close(fd);
            if (spawned) p.KillFor(KillCause.Cleanup);
            p._supervisor.Detach();
            cgroup.KillAll(TimeSpan.FromSeconds(5));
            cgroup.TryRemove();
            backend.ReturnUid(uid);
            throw;
        }
    }

    private async Task<SandboxOutcome> SuperviseAsync(Task<int> exit, Task<(byte[] Data, bool Truncated)> stdout,
        Task<(byte[] Data, bool Truncated)> stderr, Task<StatusReport> status, long started)
    {
        try
        {
            int waitStatus;
            using (var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_spec.Limits.TimeoutMs)))
            using (timeout.Token.Register(() => KillFor(KillCause.Timeout)))
            {
                waitStatus = await exit.ConfigureAwait(false);
            }
            // bubblewrap's monitor is gone, so is the sandbox's pid namespace. Anything still in
            // the cgroup (there should be nothing) dies now; then every pipe writer is gone.
            _cgroup.KillAll(TimeSpan.FromSeconds(5));
            var (outBytes, outTrunc) = await stdout.ConfigureAwait(false);
            var (errBytes, errTrunc) = await stderr.ConfigureAwait(false);
            var report = await status.ConfigureAwait(false);
            var wallMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var stats = _cgroup.ReadStats();
            _supervisor.Detach();
            return BuildOutcome(report, stats, _supervisor.Cause, outBytes, outTrunc, errBytes, errTrunc, wallMs, waitStatus);
        }
        finally
        {
            _supervisor.Kill(KillCause.Cleanup);
            _supervisor.Detach();
            lock (_pid1Gate)
            {
                if (_pid1Pidfd >= 0) Libc.close(_pid1Pidfd);
                _pid1Pidfd = -2;
            }
            _cgroup.KillAll(TimeSpan.FromSeconds(5));
            _cgroup.TryRemove();
            _backend.ReturnUid(_uid);
        }
    }

    public void KillFor(KillCause cause) => _supervisor.Kill(cause);

    public void Kill() => KillFor(KillCause.Killed);

    /// <summary>SIGINT to the sandbox's pid 1 (the helper), which forwards it to the program.</summary>
    public bool Interrupt()
    {
        lock (_pid1Gate)
        {
            if (_pid1Pidfd == -2 || _completion.IsCompleted) return false;
            if (_pid1Pidfd < 0)
            {
                var hostPid = FindPid1();
                if (hostPid is null) return false;
                _pid1Pidfd = Libc.PidfdOpen(hostPid.Value);
                if (_pid1Pidfd < 0) return false;
            }
            return Libc.PidfdSendSignal(_pid1Pidfd, 2) == 0;
        }
    }

    /// <summary>The host pid of the sandbox's pid 1: the process in our cgroup whose innermost pid is 1.</summary>
    private int? FindPid1()
    {
        foreach (var pid in _cgroup.Pids())
        {
            try
            {
                var nspid = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
                if (nspid is not null && nspid.Split('\t', StringSplitOptions.RemoveEmptyEntries) is { Length: > 2 } parts && parts[^1] == "1")
                    return pid;
            }
            catch (IOException) { }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        KillFor(KillCause.Cleanup);
        try { await _completion.ConfigureAwait(false); } catch { /* the outcome no longer matters */ }
        // The caller reads stdout until EOF; the streams are closed only when it is done with us.
        if (_output is not null) await _output.DisposeAsync().ConfigureAwait(false);
        if (_input is not null)
        {
            try { await _input.DisposeAsync().ConfigureAwait(false); }
            catch (IOException) { /* the program is gone: nothing to flush to */ }
        }
    }

    private static SandboxOutcome BuildOutcome(StatusReport report, CgroupStats stats, KillCause cause,
        byte[] outBytes, bool outTrunc, byte[] errBytes, bool errTrunc, double wallMs, int waitStatus)
    {
        var started = report.Started;
        var stderrText = OutputPump.Decode(errBytes);
        string? setupError = null, diagnostic = null;
        if (!started)
        {
            diagnostic = report.ExecErrno is { } errno
                ? $"the sandbox started but could not execute the program (errno {errno})"
                : $"{stderrText.Trim()} (launcher {LinuxSandboxBackend.DescribeWaitStatus(waitStatus)})";
            setupError = cause == KillCause.Timeout
                ? "The sandbox did not start within the timeout."
                : "The sandbox could not be set up; run `warden doctor` on the host for details.";
        }
        return new SandboxOutcome
        {
            Started = started,
            SetupError = setupError,
            Diagnostic = diagnostic,
            ExitCode = report.ExitCode,
            Signal = report.Signal ?? (started && report.ExitCode is null ? Libc.SIGKILL : null),
            TimedOut = cause == KillCause.Timeout,
            OutputLimitHit = cause == KillCause.OutputLimit,
            KilledByWarden = cause == KillCause.Killed,
            OomKilled = stats.OomKills > 0,
            PidsLimitHit = stats.PidsLimitHits > 0,
            CpuThrottled = stats.CpuThrottled > 0,
            DiskFull = report.DiskFull,
            Stdout = started ? OutputPump.Decode(outBytes) : "",
            Stderr = started ? stderrText : "",
            StdoutTruncated = outTrunc,
            StderrTruncated = errTrunc,
            WallMs = wallMs,
            CpuMs = stats.HasCpu ? stats.CpuMs : report.CpuMs,
            PeakMemoryBytes = stats.PeakMemoryBytes > 0 ? stats.PeakMemoryBytes : report.MaxRssKb * 1024,
            Files = report.Files,
        };
    }
}
