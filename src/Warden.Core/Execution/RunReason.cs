using System.Text.Json.Serialization;

namespace Warden.Execution;

/// <summary>Why a run ended. Serialized kebab-case (<c>output-limit</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunReason>))]
public enum RunReason
{
    /// <summary>The program exited by itself; see the exit code.</summary>
    [JsonStringEnumMemberName("exited")]
    Exited,
    /// <summary>The program was killed by a signal it did not get from Warden (a crash, its own kill).</summary>
    [JsonStringEnumMemberName("signaled")]
    Signaled,
    /// <summary>The wall-clock timeout (or the CPU-seconds limit) was reached; the whole tree was killed.</summary>
    [JsonStringEnumMemberName("timeout")]
    Timeout,
    /// <summary>The memory limit was reached (OOM kill counted by the sandbox's cgroup).</summary>
    [JsonStringEnumMemberName("memory")]
    Memory,
    /// <summary>The task limit was reached and the program failed.</summary>
    [JsonStringEnumMemberName("pids")]
    Pids,
    /// <summary>stdout or stderr went past its cap; the tree was killed.</summary>
    [JsonStringEnumMemberName("output-limit")]
    OutputLimit,
    /// <summary>Warden killed the run on request (shutdown, session kill).</summary>
    [JsonStringEnumMemberName("killed")]
    Killed,
    /// <summary>The compile step failed; see <see cref="RunResult.Compile"/>.</summary>
    [JsonStringEnumMemberName("compile-error")]
    CompileError,
    /// <summary>Warden could not set up or supervise the sandbox. Never the program's fault.</summary>
    [JsonStringEnumMemberName("sandbox-error")]
    SandboxError,
}
