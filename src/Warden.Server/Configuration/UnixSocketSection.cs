namespace Warden.Server.Configuration;

/// <summary>The Unix-socket listener for local agents: the same API, limits and keys.</summary>
public sealed class UnixSocketSection
{
    /// <summary>Listen on a Unix socket as well. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The socket's path; its directory is created 0700 and the socket is 0600. Default <c>DATA_DIR/sock/warden.sock</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Peer uids allowed to connect (checked with SO_PEERCRED). Default: Warden's own uid and root.</summary>
    public int[]? AllowedUids { get; set; }

    /// <summary>Largest request body on the socket, in bytes, enforced while reading. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1L << 20;
}
