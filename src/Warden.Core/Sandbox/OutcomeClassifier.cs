using Warden.Execution;

namespace Warden.Sandbox;

/// <summary>Turns the raw facts of a sandboxed command into the <see cref="RunReason"/> of the result contract.</summary>
public static class OutcomeClassifier
{
    private const int SigKill = 9, SigXcpu = 24;

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
