using Warden.Execution;
using Warden.Linux;
using Warden.Linux.Isolation;
using Warden.Policy;

namespace Warden.TestSupport;

/// <summary>One real Linux sandbox backend and runner shared by a test collection.</summary>
public sealed class EngineFixture : IDisposable
{
    /// <summary>Creates the backend and checks the host can isolate (tests fail, never skip, when it cannot).</summary>
    public EngineFixture()
    {
        Backend = new LinuxSandboxBackend();
        Backend.EnsureAvailable();
        Runner = WardenEngine.CreateRunner(Backend);
    }

    /// <summary>The backend.</summary>
    public LinuxSandboxBackend Backend { get; }

    /// <summary>The runner over <see cref="Backend"/>.</summary>
    public Runner Runner { get; }

    /// <summary>Runs code with a fresh marker in its environment and returns the result and marker.</summary>
    public async Task<(RunResult Result, string Marker)> RunAsync(string language, string code, LimitsRequest? limits = null,
        string? stdin = null, IReadOnlyList<string>? collect = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken ct = default)
    {
        var marker = Guid.NewGuid().ToString("N");
        var vars = new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { [Leftovers.MarkerVariable] = marker };
        var result = await Runner.RunAsync(new RunRequest
        {
            Language = language,
            Code = code,
            Stdin = stdin,
            Limits = limits,
            Collect = collect,
            Env = vars,
        }, ct);
        return (result, marker);
    }

    /// <summary>Disposes the backend (removes its cgroup parent).</summary>
    public void Dispose() => Backend.Dispose();
}
