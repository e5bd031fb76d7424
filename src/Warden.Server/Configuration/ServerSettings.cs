using System.Net;
using Warden.Policy;
using Warden.Server.Auth;

namespace Warden.Server.Configuration;

/// <summary>
/// The options, validated and resolved (paths, default limits, ceilings). Built once at start by
/// <see cref="Resolve"/>, which lists every problem it finds.
/// </summary>
internal sealed record ServerSettings
{
    public required WardenServerOptions Options { get; init; }
    public required IReadOnlyList<Uri> Urls { get; init; }
    public required string DataDir { get; init; }
    public required string? SocketPath { get; init; }
    public required IReadOnlySet<int> AllowedPeerUids { get; init; }
    public required Limits DefaultLimits { get; init; }
    /// <summary>The engine's options: the Engine section, with the configured default limits (the fast path prepares for them).</summary>
    public required Linux.Isolation.EngineOptions Engine { get; init; }
    /// <summary>The session manager's options: the Sessions section, with the configured default limits (no clock: the host adds it).</summary>
    public required Sessions.SessionManagerOptions Sessions { get; init; }
    public required IReadOnlyDictionary<Role, RoleQuota> Quotas { get; init; }
    public Role AnonymousRole { get; init; } = Role.User;

    public RoleQuota QuotaOf(Role role) => Quotas[role];

    public bool AllLoopback => Urls.All(u => IsLoopbackHost(u.Host));

    public static ServerSettings Resolve(WardenServerOptions o)
    {
        var problems = new List<string>();
        var s = o.Server;

        var urls = new List<Uri>();
        foreach (var part in (s.Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || u.AbsolutePath != "/" || u.Query.Length > 0)
                problems.Add($"Server:Urls: '{part}' is not an address such as http://127.0.0.1:8080");
            else if (!IsLoopbackHost(u.Host) && !IPAddress.TryParse(u.Host.Trim('[', ']'), out _))
                problems.Add($"Server:Urls: '{part}' names a host; give an IP address (127.0.0.1, 0.0.0.0, [::1]) or localhost");
            else if (u.Scheme == "https" && (s.TlsCertificatePath is null || s.TlsKeyPath is null))
                problems.Add($"Server:Urls: '{part}' is https but Server:TlsCertificatePath and Server:TlsKeyPath are not both set");
            else urls.Add(u);
        }
        if (urls.Count == 0 && problems.Count == 0) problems.Add("Server:Urls: at least one address is needed");
        Range(problems, "Server:MaxRequestBodyBytes", s.MaxRequestBodyBytes, 1024, 1L << 30);
        Range(problems, "Server:MaxRequestHeadersBytes", s.MaxRequestHeadersBytes, 4096, 1 << 20);
        Range(problems, "Server:MaxConcurrentRuns", s.MaxConcurrentRuns, 1, 4096);
        Range(problems, "Server:ShutdownGraceSeconds", s.ShutdownGraceSeconds, 0, 3600);
        if (s.DataDir is { } dd && !Path.IsPathFullyQualified(dd)) problems.Add("Server:DataDir must be an absolute path");

        var anonymousRole = Role.User;
        if (!Roles.TryParse(o.Auth.AnonymousRole, out anonymousRole) || anonymousRole == Role.Admin)
            problems.Add("Auth:AnonymousRole must be user or reader");
        Range(problems, "Auth:UnauthenticatedRequestsPerMinute", o.Auth.UnauthenticatedRequestsPerMinute, 1, 1_000_000);
        if (o.Auth.AnonymousLoopback && urls.Any(u => !IsLoopbackHost(u.Host)))
            problems.Add("Auth:AnonymousLoopback needs every address in Server:Urls to be loopback");

        var defaults = ResolveLimits(problems, "Limits", o.Limits, Limits.Default);

        var quotas = new Dictionary<Role, RoleQuota>();
        foreach (var (role, q) in new[] { (Role.Admin, o.Quotas.Admin), (Role.User, o.Quotas.User), (Role.Reader, o.Quotas.Reader) })
        {
            var name = "Quotas:" + (role == Role.Admin ? "Admin" : role == Role.User ? "User" : "Reader");
            Range(problems, name + ":RequestsPerMinute", q.RequestsPerMinute, 1, 1_000_000);
            Range(problems, name + ":ConcurrentRuns", q.ConcurrentRuns, 0, 4096);
            Range(problems, name + ":LiveSessions", q.LiveSessions, 0, 4096);
            var max = ResolveLimits(problems, name + ":MaxLimits", q.MaxLimits, LimitsRequest.Bounds.Highest);
            if ((q.ConcurrentRuns > 0 || q.LiveSessions > 0) && !defaults.FitsWithin(max))
                problems.Add($"{name}:MaxLimits is below the default limits (Limits); a request that asks for nothing would be refused");
            quotas[role] = new RoleQuota(q.RequestsPerMinute, q.ConcurrentRuns, q.LiveSessions, max);
        }

        // The options records check their own values; configuration only names them by key.
        var sessions = o.Sessions.ToSessionManagerOptions(defaults);
        problems.AddRange(sessions.Problems().Where(p => !p.Property.StartsWith("DefaultLimits:", StringComparison.Ordinal))
            .Select(p => "Sessions:" + SessionsSection.ConfigKey(p.Property) + " " + p.Problem));
        Range(problems, "Audit:QueueCapacity", o.Audit.QueueCapacity, 16, 10_000_000);
        Range(problems, "Audit:RetentionDays", o.Audit.RetentionDays, 0, 36_500);

        foreach (var origin in o.Cors.Origins ?? [])
        {
            if (origin == "*" || !Uri.TryCreate(origin, UriKind.Absolute, out var ou) || ou.Scheme is not ("http" or "https") || ou.AbsolutePath != "/" || origin.EndsWith('/'))
                problems.Add($"Cors:Origins: '{origin}' is not an origin such as https://app.example.com (and never *)");
        }

        var dataDir = s.DataDir ?? DefaultDataDir();
        string? socketPath = null;
        var us = o.UnixSocket;
        if (us.Enabled)
        {
            socketPath = us.Path ?? Path.Combine(dataDir, "sock", "warden.sock");
            if (!Path.IsPathFullyQualified(socketPath)) problems.Add("UnixSocket:Path must be an absolute path");
            else if (System.Text.Encoding.UTF8.GetByteCount(socketPath) > 107) problems.Add($"UnixSocket:Path is longer than the 107 bytes a socket path may have: {socketPath}");
        }
        Range(problems, "UnixSocket:MaxRequestBodyBytes", us.MaxRequestBodyBytes, 1024, 1L << 30);
        var uids = us.AllowedUids is { Length: > 0 } given ? given.ToHashSet() : new HashSet<int> { 0, (int)Hosting.Posix.EffectiveUid };
        if (uids.Any(u => u < 0)) problems.Add("UnixSocket:AllowedUids must be uids (0 or more)");

        var engine = o.Engine.ToEngineOptions() with { DefaultLimits = defaults };
        problems.AddRange(engine.Problems().Where(p => !p.Property.StartsWith("DefaultLimits:", StringComparison.Ordinal))
            .Select(p => "Engine:" + (p.Property.StartsWith("FastPath:", StringComparison.Ordinal) ? "FastPath:" + FastPathSection.ConfigKey(p.Property["FastPath:".Length..]) : p.Property) + " " + p.Problem));

        if (problems.Count > 0) throw new ConfigurationException("Invalid configuration: " + string.Join("; ", problems) + ".");
        return new ServerSettings
        {
            Options = o,
            Urls = urls,
            DataDir = Path.GetFullPath(dataDir),
            SocketPath = socketPath,
            AllowedPeerUids = uids,
            DefaultLimits = defaults,
            Engine = engine,
            Sessions = sessions,
            Quotas = quotas,
            AnonymousRole = anonymousRole,
        };
    }

    /// <summary>/var/lib/warden as root, else $XDG_DATA_HOME/warden or ~/.local/share/warden.</summary>
    public static string DefaultDataDir()
    {
        if (Hosting.Posix.EffectiveUid == 0) return "/var/lib/warden";
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg)) return Path.Combine(xdg, "warden");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "warden");
    }

    public static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static void Range(List<string> problems, string name, long value, long min, long max)
    {
        if (value < min || value > max) problems.Add($"{name} must be between {min} and {max}; got {value}");
    }

    // The section over its base, every field out of bounds listed under the section's key; the base when any is.
    private static Limits ResolveLimits(List<string> problems, string section, LimitsRequest? given, Limits baseLimits)
    {
        var limits = (given ?? new LimitsRequest()).Over(baseLimits);
        var found = LimitsRequest.Problems(limits);
        problems.AddRange(found.Select(p => section + ":" + p));
        return found.Count == 0 ? limits : baseLimits;
    }
}
