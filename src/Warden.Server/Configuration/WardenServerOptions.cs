namespace Warden.Server.Configuration;

/// <summary>
/// The server's one options schema. It binds from <c>appsettings.json</c>, environment variables
/// <c>WARDEN__SECTION__KEY</c> and <c>warden serve</c>'s flags; <see cref="ConfigurationSchema"/>
/// rejects keys it does not know and <see cref="WardenServerOptionsValidator"/> checks values,
/// both at start. Every default is secure and documented in docs/configuration.md.
/// </summary>
public sealed class WardenServerOptions
{
    /// <summary>Listening, data directory, request size, shutdown.</summary>
    public ServerSection Server { get; set; } = new();

    /// <summary>How callers authenticate.</summary>
    public AuthSection Auth { get; set; } = new();

    /// <summary>Default limits of a run where the request is silent.</summary>
    public Policy.LimitsRequest Limits { get; set; } = new();

    /// <summary>Per-role quotas: request rate, concurrent runs, live sessions, largest limits a key may ask for.</summary>
    public QuotasSection Quotas { get; set; } = new();

    /// <summary>Stateful sessions.</summary>
    public SessionsSection Sessions { get; set; } = new();

    /// <summary>The audit log.</summary>
    public AuditSection Audit { get; set; } = new();

    /// <summary>Cross-origin requests (closed unless origins are listed).</summary>
    public CorsSection Cors { get; set; } = new();

    /// <summary>The Unix-socket listener for local agents.</summary>
    public UnixSocketSection UnixSocket { get; set; } = new();

    /// <summary>Host-side settings of the isolation engine.</summary>
    public EngineSection Engine { get; set; } = new();
}
