using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Warden.Server.Hosting;

namespace Warden.Server.UnixSocket;

/// <summary>
/// The Unix-socket listener for local agents. Its directory is created 0700 (or must already be
/// 0700 and ours), so that between Kestrel's bind and the chmod to 0600 nobody else can reach
/// the socket; every connection's peer uid is checked (SO_PEERCRED) against UnixSocket:AllowedUids
/// before a byte is read. Only a stale socket of ours is ever removed from the path.
/// </summary>
internal static partial class UnixSocketListener
{
    /// <summary>Makes the path ready to bind: the directory secure, nothing there, or a stale socket of ours (removed).</summary>
    public static void Prepare(string path)
    {
        var dir = Path.GetDirectoryName(path) ?? throw new WardenException("socket-unusable", $"{path} has no directory.");
        SecureDirectory.Ensure(dir, "socket directory");
        var st = Posix.LStat(path);
        if (st is null) return;
        if (st.Value.Type != Posix.S_IFSOCK || st.Value.Uid != Posix.EffectiveUid)
            throw new WardenException("socket-unusable", $"{path} exists and is not a socket of Warden's; it is left alone. Remove it or set UnixSocket:Path.");
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new WardenException("socket-unusable", $"Another server is listening on {path}. Stop it or set UnixSocket:Path.");
            }
            catch (SocketException)
            {
                // Nobody listening: a socket left by a Warden that did not stop cleanly.
            }
        }
        File.Delete(path);
    }

    /// <summary>Sets the socket 0600 once bound and checks the result.</summary>
    public static void Secure(string path)
    {
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var st = Posix.LStat(path);
        if (st is not { Type: Posix.S_IFSOCK } s || s.Mode != Convert.ToUInt32("600", 8) || s.Uid != Posix.EffectiveUid)
            throw new WardenException("socket-unusable", $"Could not make {path} a 0600 socket owned by Warden.");
    }

    /// <summary>Listens on <paramref name="path"/>, refusing connections from uids not in <paramref name="allowed"/>.</summary>
    public static void Listen(KestrelServerOptions kestrel, string path, IReadOnlySet<int> allowed, ILogger log)
    {
        kestrel.ListenUnixSocket(path, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(next => async connection =>
            {
                var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
                var peer = socket is null ? null : PeerCredentialsReader.Read(socket);
                if (peer is null || !allowed.Contains(peer.Uid))
                {
                    LogRefused(log, peer?.Uid ?? -1, peer?.Pid ?? -1);
                    connection.Abort(new ConnectionAbortedException("peer uid not allowed"));
                    return;
                }
                connection.Features.Set<IPeerCredentialsFeature>(peer);
                await next(connection).ConfigureAwait(false);
            });
        });
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Unix socket: refused a connection from uid {Uid} (pid {Pid}): not in UnixSocket:AllowedUids")]
    private static partial void LogRefused(ILogger log, int uid, int pid);
}
