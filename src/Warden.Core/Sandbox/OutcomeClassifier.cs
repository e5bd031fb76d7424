using Warden.Execution;

namespace Warden.Sandbox;

/// <summary>Turns the raw facts of a sandboxed command into the <see cref="RunReason"/> of the result contract.</summary>
public static class OutcomeClassifier
{
    private const int SigKill = 9, SigXcpu = 24, SigXfsz = 25;

    /// <summary>
    /// Order matters: a sandbox that never started is a sandbox error; a kill Warden was asked
    /// for is <c>killed</c>; resource exhaustion (memory, tasks) explains a failure better than the
    /// timeout it may have led to; then the timeout and output cap Warden enforced; then the
    /// program's own ending.
    /// </summary>
    public static RunReason Classify(SandboxOutcome o)
    {
        if (!o.Started) return RunReason.SandboxError;
        if (o.KilledByWarden) return RunReason.Killed;
        var failed = o.ExitCode is not 0;
        if (o.OomKilled && failed) return RunReason.Memory;
        if (o.PidsLimitHit && failed) return RunReason.Pids;
        if (o.TimedOut) return RunReason.Timeout;
        if (o.OutputLimitHit) return RunReason.OutputLimit;
        if (o.Signal is SigXcpu) return RunReason.Timeout;
        if (o.Signal is not null) return o.Signal == SigKill && o.OomKilled ? RunReason.Memory : RunReason.Signaled;
        return RunReason.Exited;
    }

    /// <summary>
    /// Every limit the run reached, whatever its <see cref="RunReason"/> (a program can hit a
    /// limit, recover and exit 0). In a fixed order, each at most once:
    /// <c>timeout</c> (Warden's wall-clock kill, or SIGXCPU at the CPU-seconds rlimit),
    /// <c>memory</c> (the cgroup counted an OOM kill), <c>pids</c> (the cgroup refused a fork at
    /// its task limit), <c>output</c> (a stream went past the output cap), <c>disk</c> (a writable
    /// tmpfs was full at the end, or a write past the file-size rlimit got SIGXFSZ) and
    /// <c>cpu-throttled</c> (the cgroup was held back at its CPU quota at least once).
    /// </summary>
    public static IReadOnlyList<string> LimitsReached(SandboxOutcome o)
    {
        if (!o.Started) return [];
        var reached = new List<string>(2);
        if (o.TimedOut || o.Signal is SigXcpu) reached.Add(LimitNames.Timeout);
        if (o.OomKilled) reached.Add(LimitNames.Memory);
        if (o.PidsLimitHit) reached.Add(LimitNames.Pids);
        if (o.OutputLimitHit || o.StdoutTruncated || o.StderrTruncated) reached.Add(LimitNames.Output);
        if (o.DiskFull || o.Signal is SigXfsz) reached.Add(LimitNames.Disk);
        if (o.CpuThrottled) reached.Add(LimitNames.CpuThrottled);
        return reached;
    }

    /// <summary>A short human explanation for reasons that need one.</summary>
    public static string? Explain(RunReason reason, SandboxOutcome o, Policy.Limits limits) => reason switch
    {
        RunReason.SandboxError => o.SetupError ?? "The sandbox could not be set up.",
        RunReason.Memory => $"The program went past the memory limit of {limits.MemoryMb} MiB and was killed.",
        RunReason.Pids => $"The program hit the limit of {limits.Pids} tasks.",
        RunReason.Timeout when o.TimedOut => $"The program ran past the timeout of {limits.TimeoutMs} ms; every process of the sandbox was killed.",
        RunReason.Timeout => "The program used up its CPU-time limit.",
        RunReason.OutputLimit => $"The program wrote more than {limits.OutputBytes} bytes to one stream; the output was truncated and the sandbox killed.",
        RunReason.Killed => "The run was killed on request.",
        _ => null,
    };

    /// <summary>The conventional name of a signal number (SIGKILL for 9).</summary>
    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP", 2 => "SIGINT", 3 => "SIGQUIT", 4 => "SIGILL", 5 => "SIGTRAP", 6 => "SIGABRT",
        7 => "SIGBUS", 8 => "SIGFPE", 9 => "SIGKILL", 10 => "SIGUSR1", 11 => "SIGSEGV", 12 => "SIGUSR2",
        13 => "SIGPIPE", 14 => "SIGALRM", 15 => "SIGTERM", 16 => "SIGSTKFLT", 17 => "SIGCHLD", 18 => "SIGCONT",
        19 => "SIGSTOP", 20 => "SIGTSTP", 21 => "SIGTTIN", 22 => "SIGTTOU", 23 => "SIGURG", 24 => "SIGXCPU",
        25 => "SIGXFSZ", 26 => "SIGVTALRM", 27 => "SIGPROF", 28 => "SIGWINCH", 29 => "SIGIO", 30 => "SIGPWR",
        31 => "SIGSYS", _ => "SIG" + signal,
    };
}
