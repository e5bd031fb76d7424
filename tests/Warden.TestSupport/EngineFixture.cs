using Warden.Execution;
using Warden.Linux;
using Warden.Linux.Isolation;
using Warden.Policy;
using Xunit;

namespace Warden.TestSupport;

/// <summary>
/// One real Linux sandbox backend and runner shared by a test collection: every run starts a
/// fresh sandbox (the cold path). <see cref="ZygoteEngineFixture"/> runs Python on the fast path.
/// </summary>
public class EngineFixture : IDisposable
{
    /// <summary>Creates the backend and checks the host can isolate (tests fail, never skip, when it cannot).</summary>
    public EngineFixture() : this(new EngineOptions { FastPath = new Warden.Linux.FastPath.ZygoteOptions { Enabled = false } })
    {
    }

    /// <summary>Creates the backend with <paramref name="options"/>.</summary>
    protected EngineFixture(EngineOptions options)
    {
        Engine = WardenEngine.Create(new WardenEngineOptions { Engine = options });
        Backend = Engine.Backend;
        Backend.EnsureAvailable();
        Runner = Engine.Runner;
    }

    /// <summary>Called before each run (the zygote fixture makes sure a zygote is up).</summary>
    protected virtual Task BeforeRunAsync(string language) => Task.CompletedTask;

    /// <summary>The paths Python runs must take with this fixture.</summary>
    public virtual IReadOnlyList<string> PythonPaths { get; } = ["cold"];

    /// <summary>Whether Python runs go through the zygote.</summary>
    public bool IsZygote => PythonPaths[0] != "cold";

    /// <summary>The engine, composed as every face composes it.</summary>
    public WardenEngine Engine { get; }

    /// <summary>The engine's backend.</summary>
    public LinuxSandboxBackend Backend { get; }

    /// <summary>The runner over <see cref="Backend"/>.</summary>
    public Runner Runner { get; }

    /// <summary>Runs code with a fresh marker in its environment and returns the result and marker.</summary>
    public async Task<(RunResult Result, string Marker)> RunAsync(string language, string code, LimitsRequest? limits = null,
        string? stdin = null, IReadOnlyList<string>? collect = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken ct = default)
    {
        await BeforeRunAsync(language);
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
        if (language == "python" && result.Reason != RunReason.SandboxError)
            Assert.True(PythonPaths.Contains(result.Path), $"python ran on path '{result.Path}', expected one of {string.Join(", ", PythonPaths)}; fast path: {Backend.ZygotePool?.LastFallback}");
        return (result, marker);
    }

    /// <summary>Disposes the engine (removes its cgroup parent).</summary>
    public void Dispose()
    {
        Engine.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The fast path: warmed Python zygotes with prepared children (a run importing only the standard
/// library goes to the standard zygote, others to the scientific one); other languages stay cold.
/// </summary>
public class ZygoteEngineFixture : EngineFixture
{
    /// <summary>Starts the zygotes and waits until their children are prepared.</summary>
    public ZygoteEngineFixture() : this(new Warden.Linux.FastPath.ZygoteOptions())
    {
    }

    /// <summary>The same with <paramref name="options"/>.</summary>
    protected ZygoteEngineFixture(Warden.Linux.FastPath.ZygoteOptions options) : base(new EngineOptions { FastPath = options })
    {
        var warmed = Backend.WarmUpAsync().GetAwaiter().GetResult();
        Assert.True(warmed, "the Python zygote must start on the test machine: " + Backend.ZygotePool?.LastStartError);
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> PythonPaths { get; } = ["zygote", "zygote-on-demand"];

    /// <summary>Runs JavaScript once (which seeds the pool's limits) and waits for a prepared node sandbox.</summary>
    public async Task EnsurePreparedNodeAsync()
    {
        var pool = Backend.ZygotePool!;
        if (pool.PreparedNodeCount == 0) await RunAsync("javascript", "console.log('seed')");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (pool.PreparedNodeCount == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(pool.PreparedNodeCount > 0, "no node sandbox was prepared: " + pool.LastFallback);
    }

    /// <summary>A zygote killed by an earlier test is replaced before the next Python run (the pool heals).</summary>
    protected override async Task BeforeRunAsync(string language)
    {
        if (language == "python" && Backend.ZygotePool?.AllAlive != true)
            Assert.True(await Backend.WarmUpAsync(), "the zygote could not be restarted: " + Backend.ZygotePool?.LastStartError);
    }
}

/// <summary>
/// The fast path with the standard zygote off: every Python run, whatever it imports, is a child
/// of the scientific zygote (numpy, pandas, matplotlib preloaded), so suites run there too.
/// </summary>
public sealed class ScientificZygoteEngineFixture() : ZygoteEngineFixture(new Warden.Linux.FastPath.ZygoteOptions { StandardZygote = false });
