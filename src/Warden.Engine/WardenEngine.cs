using Warden.Checks;
using Warden.Execution;
using Warden.Languages;
using Warden.Linux.Isolation;
using Warden.Policy;
using Warden.Sessions;

namespace Warden;

/// <summary>
/// The engine, composed once: the Linux sandbox backend, the language table, the runner with the
/// advisory code checks, the session manager and the default limits. Every face builds it this
/// way — <c>warden serve</c> (and its faces), <c>warden run</c>, <c>session</c>, <c>eval</c>,
/// <c>doctor</c>, <c>languages</c> and library users — and disposes it when done, which kills
/// every sandbox and session it started and removes its cgroups.
/// </summary>
/// <example>
/// <code>
/// await using var engine = WardenEngine.Create();
/// var result = await engine.Runner.RunAsync(new RunRequest { Language = "python", Code = "print(1)" });
/// </code>
/// </example>
public sealed class WardenEngine : IAsyncDisposable, IDisposable
{
    private static readonly Lazy<WardenEngine> SharedEngine = new(() =>
    {
        var engine = Create();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => engine.Dispose();
        return engine;
    });

    private readonly Lazy<SessionManager> _sessions;
    private int _disposed;

    private WardenEngine(WardenEngineOptions options)
    {
        Options = options;
        DefaultLimits = options.DefaultLimits;
        Backend = new LinuxSandboxBackend(options.Engine with { DefaultLimits = options.DefaultLimits });
        try
        {
            Languages = new LanguageRegistry(options.Languages ?? LanguageRegistry.BuiltIn(), Backend.CanExecute);
            Checks = RunnerChecks.Create(options.Checks);
            Runner = new Runner(Backend, Languages, DefaultLimits, Checks);
            _sessions = new(() => new SessionManager(Backend, options.Sessions with { DefaultLimits = options.DefaultLimits }));
        }
        catch
        {
            Backend.Dispose();
            throw;
        }
    }

    /// <summary>Builds an engine from <paramref name="options"/> (validated first: every problem in one message).</summary>
    /// <exception cref="InvalidOptionsException">The options are invalid.</exception>
    public static WardenEngine Create(WardenEngineOptions? options = null)
    {
        options ??= new WardenEngineOptions();
        options.Validate();
        return new WardenEngine(options);
    }

    /// <summary>A process-wide engine with default options, built on first use and disposed at exit.</summary>
    public static WardenEngine Shared => SharedEngine.Value;

    /// <summary>The options this engine was built from.</summary>
    public WardenEngineOptions Options { get; }

    /// <summary>Limits for fields a request leaves out (the runner's, the fast path's and the sessions').</summary>
    public Limits DefaultLimits { get; }

    /// <summary>The Linux sandbox backend (bubblewrap, cgroups, seccomp, the fast path).</summary>
    public LinuxSandboxBackend Backend { get; }

    /// <summary>The languages, each marked available or not on this host.</summary>
    public LanguageRegistry Languages { get; }

    /// <summary>The advisory code checks a run may ask for (<see cref="RunRequest.Check"/>), with <see cref="WardenEngineOptions.Checks"/>' rules.</summary>
    public CodeCheck Checks { get; }

    /// <summary>The one-shot runner.</summary>
    public Runner Runner { get; }

    /// <summary>The session manager (created on first use: an engine that never opens a session starts no reaper).</summary>
    public ISessionManager Sessions => _sessions.Value;

    /// <summary>Starts the fast path's zygotes and waits until they are ready; false when a zygote did not stay up (runs then take the cold path).</summary>
    public Task<bool> WarmUpAsync(CancellationToken cancellationToken = default) => Backend.WarmUpAsync(cancellationToken);

    /// <summary>Ends every session (waiting until each sandbox is gone), then stops the backend: its zygotes, sandboxes and cgroups.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (_sessions.IsValueCreated) await _sessions.Value.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Backend.Dispose();
        }
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/> (for process exit).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
