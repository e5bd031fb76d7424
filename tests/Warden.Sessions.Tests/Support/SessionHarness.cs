using Warden.Policy;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Support;

/// <summary>
/// A session manager over the shared real backend with a fresh marker in every session's environment,
/// so that disposing it can prove no process, cgroup or runtime leftover remains.
/// </summary>
internal sealed class SessionHarness : IAsyncDisposable
{
    public const string Owner = "tester";
    private readonly EngineFixture _engine;

    public SessionHarness(EngineFixture engine, SessionManagerOptions? options = null)
    {
        _engine = engine;
        Manager = new SessionManager(engine.Backend, options ?? new SessionManagerOptions { RunReaper = false });
    }

    public SessionManager Manager { get; }
    public string Marker { get; } = Guid.NewGuid().ToString("N");

    public Task<SessionInfo> CreateAsync(string language = "python", LimitsRequest? limits = null, string? initCode = null,
        int? idleTtlSeconds = null, int? maxLifetimeSeconds = null, string owner = Owner, IReadOnlyDictionary<string, string>? env = null)
    {
        var vars = new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { [Leftovers.MarkerVariable] = Marker };
        return Manager.CreateAsync(new SessionCreateRequest
        {
            Language = language, Limits = limits, Env = vars, InitCode = initCode,
            IdleTtlSeconds = idleTtlSeconds, MaxLifetimeSeconds = maxLifetimeSeconds,
        }, owner);
    }

    public Task<CellResult> RunAsync(string id, string code, int? timeoutMs = null) =>
        Manager.ExecuteToEndAsync(id, Owner, new CellRequest { Code = code, TimeoutMs = timeoutMs });

    /// <summary>Asserts nothing of this harness's sessions is left on the host.</summary>
    public void AssertNothingLeft() => Leftovers.AssertNone(_engine.Backend, Marker);

    /// <summary>Asserts that exactly <paramref name="live"/> sessions still have a sandbox (one cgroup each) and that ended ones left nothing.</summary>
    public void AssertNothingLeftBut(int live)
    {
        Assert.Equal(live, Manager.List().Count(s => s.State is SessionState.Idle or SessionState.Busy));
        Assert.Equal(live, Leftovers.LiveCgroups(_engine.Backend));
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        AssertNothingLeft();
    }
}
