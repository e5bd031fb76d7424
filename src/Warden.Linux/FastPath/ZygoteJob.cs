using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Win32.SafeHandles;
using Warden.Linux.Cgroups;
using Warden.Linux.Isolation;
using Warden.Linux.Native;
using Warden.Policy;
using Warden.Sandbox;

namespace Warden.Linux.FastPath;

/// <summary>
/// One zygote child: prepared ahead (namespaces, cgroup, privileges dropped, seccomp), then
/// given exactly one job, then destroyed. Never reused.
/// </summary>
internal sealed class ZygoteJob
{
    private readonly PythonZygote _zygote;
    private AnonymousPipeClientStream? _collect;
    private int _killed;
    private int _discarded;

    public ZygoteJob(Limits limits, SandboxCgroup cgroup, PythonZygote zygote)
    {
        Limits = limits;
        Cgroup = cgroup;
        _zygote = zygote;
    }

    public Limits Limits { get; }
    public SandboxCgroup Cgroup { get; }
    public int JobWrite { get; set; } = -1;
    public int OutRead { get; set; } = -1;
    public int ErrRead { get; set; } = -1;
    public int StatusRead { get; set; } = -1;
    public int CollectRead { get; set; } = -1;
    public PythonZygote Zygote => _zygote;

    public async Task WaitPreparedAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        _collect = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(CollectRead, ownsHandle: true));
        CollectRead = -1;
        var ready = new byte[2];
        var got = 0;
        while (got < 2)
        {
            var n = await _collect.ReadAsync(ready.AsMemory(got), timeout.Token).ConfigureAwait(false);
            if (n == 0) throw new SandboxException("a zygote child ended while it was being prepared" + PreparationError());
            got += n;
        }
        if (ready[0] != (byte)'R') throw new SandboxException("a zygote child sent an unexpected ready signal");
        IdleBytes = Cgroup.CurrentMemory();
        _throttledWhenPrepared = Cgroup.ReadStats().CpuThrottled;
    }

    private long _throttledWhenPrepared;

    /// <summary>What the child's cgroup was charged once it was prepared (it stays put while the child waits).</summary>
    public long IdleBytes { get; private set; }

    /// <summary>What the zygote or its helper wrote to the job's stderr while preparing it (they report failures there).</summary>
    private unsafe string PreparationError()
    {
        if (ErrRead < 0) return "";
        Libc.fcntl(ErrRead, 4 /* F_SETFL */, 0x800 /* O_NONBLOCK */);
        var buffer = new byte[4096];
        nint n;
        fixed (byte* p = buffer) n = Libc.read(ErrRead, p, buffer.Length);
        return n > 0 ? ": " + Encoding.UTF8.GetString(buffer, 0, (int)n).Trim() : "";
    }

    // Completes once Warden has killed the job and its cgroup is empty (or the sweep gave up).
    private readonly TaskCompletionSource _killedAndGone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void KillTree()
    {
        if (Interlocked.Exchange(ref _killed, 1) != 0) return;
        _ = Task.Run(() =>
        {
            try { Cgroup.KillAll(TimeSpan.FromSeconds(5)); }
            finally { _killedAndGone.TrySetResult(); }
        });
    }

    /// <summary>
    /// How long the zygote's report may lag once Warden has killed a job and its cgroup is empty.
    /// The report is a courtesy (exit status, rusage); the answer never depends on it: a zygote that
    /// was stopped or wedged must not hold a run past its deadline.
    /// </summary>
    private static readonly TimeSpan ReportGrace = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the pipes may stay open once the job is gone (only a wedged zygote could hold one).</summary>
    private static readonly TimeSpan PipeGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs <paramref name="spec"/> in this child and returns when it is gone.</summary>
    public async Task<SandboxOutcome> ExecuteAsync(SandboxSpec spec, string path, Func<OutputChunk, ValueTask>? onOutput, CancellationToken ct)
    {
        var hint = spec.FastPath!;
        var job = new JsonObject
        {
            ["entry"] = hint.Entry,
            ["args"] = new JsonArray(hint.Args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["env"] = new JsonObject(spec.Env.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            ["stdin"] = Convert.ToBase64String(spec.Stdin.Span),
            ["files"] = new JsonArray(spec.Files.Select(f => (JsonNode?)new JsonObject
            {
                ["path"] = f.Path, ["b64"] = Convert.ToBase64String(f.Content.Span), ["exec"] = f.Executable,
            }).ToArray()),
            ["collect"] = new JsonArray(spec.Collect.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["collectMax"] = spec.CollectMaxBytes,
        };
        var payload = Encoding.UTF8.GetBytes(job.ToJsonString());
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        payload.CopyTo(frame, 4);

        var cause = KillCause.None;
        void KillFor(KillCause c)
        {
            if (cause == KillCause.None) cause = c;
            KillTree();
        }

        var started = Stopwatch.GetTimestamp();
        var stdout = OutputPump.RunAsync(OutRead, spec.Limits.OutputBytes, isStderr: false, onOutput, () => KillFor(KillCause.OutputLimit));
        var stderr = OutputPump.RunAsync(ErrRead, spec.Limits.OutputBytes, isStderr: true, onOutput, () => KillFor(KillCause.OutputLimit));
        var status = StatusChannel.ReadAsync(StatusRead, 1 << 16);
        OutRead = ErrRead = StatusRead = -1;
        var collected = ReadCollectAsync(spec.CollectMaxBytes + (1 << 20));
        var outputs = Task.WhenAll(stdout, stderr, collected);
        try
        {
            var answeredEarly = false;
            using (var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(spec.Limits.TimeoutMs)))
            using (timeout.Token.Register(() => KillFor(KillCause.Timeout)))
            using (ct.Register(() => KillFor(KillCause.Cancelled)))
            {
                try
                {
                    Libc.WriteAll(JobWrite, frame);
                }
                catch (IOException)
                {
                    // The child is gone (zygote died?); the status below tells.
                }
                Libc.close(JobWrite);
                JobWrite = -1;
                // The program's last act is its exit record ("Q code") on the collect pipe and letting
                // go of every descriptor. Once that record is in and stdout, stderr and the collect
                // pipe are at end of file, the answer is complete: kill what is left of the job now
                // and answer, rather than after the kernel has torn down the program's copy of the
                // zygote's address space and the job's init has followed it (~2-3 ms here). Without
                // the record (killed, crashed, a daemon holding a pipe) the zygote's report decides.
                await Task.WhenAny(status, outputs).ConfigureAwait(false);
                answeredEarly = !status.IsCompleted && outputs.IsCompletedSuccessfully
                    && collected.Result.QuitCode is not null && cause == KillCause.None;
                if (answeredEarly)
                {
                    // SIGKILL to everything still in the job. Nothing of it runs another instruction in
                    // user space; its init (which exits with the program) takes the pid namespace down,
                    // so even a process forked since the listing dies. Teardown finishes below, after
                    // the answer.
                    Cgroup.KillListed();
                }
                else
                {
                    // The zygote's report, or — once Warden has killed the job (timeout, output cap,
                    // cancellation) and nothing of it is left — at most a short grace more. Deadlines
                    // are enforced by killing, never by waiting for the zygote to answer.
                    await Task.WhenAny(status, _killedAndGone.Task).ConfigureAwait(false);
                    if (!status.IsCompleted)
                    {
                        await Task.WhenAny(status, Task.Delay(ReportGrace)).ConfigureAwait(false);
                        if (!status.IsCompleted) _zygote.DetectWedged();
                    }
                }
                if (!outputs.IsCompleted && _killedAndGone.Task.IsCompleted)
                {
                    // The job is gone, so only the zygote could still hold a pipe (it closes its copies
                    // right after the fork): a wedged zygote is killed rather than waited for.
                    await Task.WhenAny(outputs, Task.Delay(PipeGrace)).ConfigureAwait(false);
                    if (!outputs.IsCompleted && _zygote.DetectWedged()) _zygote.Kill();
                }
            }
            var (outBytes, outTrunc) = await stdout.ConfigureAwait(false);
            var (errBytes, errTrunc) = await stderr.ConfigureAwait(false);
            var col = await collected.ConfigureAwait(false);
            var report = answeredEarly ? new StatusReport { ExitCode = col.QuitCode }
                : status.IsCompleted ? await status.ConfigureAwait(false) : new StatusReport();
            var wallMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var stats = Cgroup.ReadStats();
            if (cause == KillCause.Cancelled) throw new OperationCanceledException(ct);
            // No exit record and nothing Warden did to explain it: the job's supervisor died with its
            // zygote (or was otherwise lost). That is a sandbox error, never the program's result.
            var lost = report.ExitCode is null && report.Signal is null && cause == KillCause.None && stats.OomKills == 0;
            if (lost) await Task.WhenAny(_zygote.Completion, Task.Delay(1000)).ConfigureAwait(false);
            var ran = col.Started && !lost;
            return new SandboxOutcome
            {
                Started = ran,
                SetupError = ran ? null : "The prepared sandbox was lost (its zygote ended) before the program finished.",
                Diagnostic = ran ? null : OutputPump.Decode(errBytes),
                ExitCode = report.ExitCode,
                Signal = report.Signal ?? (ran && report.ExitCode is null ? Libc.SIGKILL : null),
                TimedOut = cause == KillCause.Timeout,
                OutputLimitHit = cause == KillCause.OutputLimit,
                OomKilled = stats.OomKills > 0,
                PidsLimitHit = stats.PidsLimitHits > 0,
                // Counted from the moment the child was prepared: its preparation is not the program's.
                CpuThrottled = stats.CpuThrottled > _throttledWhenPrepared,
                DiskFull = col.DiskFull || report.DiskFull,
                Stdout = ran ? OutputPump.Decode(outBytes) : "",
                Stderr = ran ? OutputPump.Decode(errBytes) : "",
                StdoutTruncated = outTrunc,
                StderrTruncated = errTrunc,
                WallMs = wallMs,
                CpuMs = stats.HasCpu ? stats.CpuMs : report.CpuMs,
                PeakMemoryBytes = stats.PeakMemoryBytes > 0 ? stats.PeakMemoryBytes : report.MaxRssKb * 1024,
                // Only what the request asked for: the program writes the collect pipe itself, so
                // records it sent unasked are forgeries (names were checked while parsing).
                Files = spec.Collect.Count > 0 ? col.Files : [],
                Path = path,
            };
        }
        finally
        {
            // The rest of the teardown (the job's end, an empty cgroup, its removal) runs after the
            // answer; the pool tracks it, and waits for it on shutdown.
            Teardown = TearDownAsync(status, outputs);
        }
    }

    /// <summary>The end of this child's teardown after a run (completed when nothing of it is left).</summary>
    public Task Teardown { get; private set; } = Task.CompletedTask;

    private async Task TearDownAsync(Task<StatusReport> status, Task outputs)
    {
        // The zygote reports once the job's init is gone (and with it the whole pid namespace); if
        // the zygote is wedged, the cgroup sweep in DiscardAsync does the work alone.
        try { await status.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
        catch (TimeoutException) { _zygote.MarkWedged("no report 10 s after a run answered"); }
        catch { /* swept below */ }
        await DiscardAsync().ConfigureAwait(false);
        try { await outputs.ConfigureAwait(false); } catch { /* reported with the outcome */ }
    }

    private async Task<StatusReport> ReadCollectAsync(long maxBytes)
    {
        if (_collect is null) return new StatusReport();
        return StatusChannel.Parse(await StatusChannel.ReadBoundedAsync(_collect, maxBytes).ConfigureAwait(false));
    }

    /// <summary>Kills whatever is left, closes our descriptors and removes the cgroup.</summary>
    public async Task DiscardAsync()
    {
        if (Interlocked.Exchange(ref _discarded, 1) != 0) return;
        // After a run the job is usually gone already (the zygote reported its end): one rmdir per
        // hierarchy removes the cgroup (the kernel refuses while a process is inside), with nothing
        // to list or kill and no hop to another thread. Otherwise (a prepared child discarded, a
        // wedged zygote): kill everything inside, then remove.
        var removed = Cgroup.TryRemove(attempts: 1);
        if (!removed) await Task.Run(() => Cgroup.KillAll(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        foreach (var fd in new[] { JobWrite, OutRead, ErrRead, StatusRead, CollectRead })
            if (fd >= 0) Libc.close(fd);
        JobWrite = OutRead = ErrRead = StatusRead = CollectRead = -1;
        if (_collect is not null) await _collect.DisposeAsync().ConfigureAwait(false);
        if (removed) return;
        for (var i = 0; i < 100 && !Cgroup.TryRemove(); i++)
        {
            Cgroup.KillAll(TimeSpan.FromSeconds(1));
            await Task.Delay(20).ConfigureAwait(false);
        }
    }
}
