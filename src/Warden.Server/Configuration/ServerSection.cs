namespace Warden.Server.Configuration;

/// <summary>Listening, data directory, request size and shutdown.</summary>
public sealed class ServerSection
{
    /// <summary>Default listening address: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>Addresses to listen on, separated by <c>;</c>. Default <c>http://127.0.0.1:8080</c>. A non-loopback address without TLS is allowed but warned about.</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>Data directory (keys, sessions' metadata, audit). Default /var/lib/warden as root, else ~/.local/share/warden. Created 0700.</summary>
    public string? DataDir { get; set; }

    /// <summary>Largest request body, in bytes, enforced while reading (413 past it). Default 16 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16L << 20;

    /// <summary>Largest total size of request headers, in bytes (431 past it). Default 32 KiB.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 << 10;

    /// <summary>Runs at once on this server, all principals together; more wait for a slot. Default 64.</summary>
    public int MaxConcurrentRuns { get; set; } = 64;

    /// <summary>On shutdown, how long running requests may finish before they are killed, in seconds. Default 10.</summary>
    public int ShutdownGraceSeconds { get; set; } = 10;

    /// <summary>PEM certificate for https:// addresses. Default none.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertificatePath"/>. Default none.</summary>
    public string? TlsKeyPath { get; set; }
}
