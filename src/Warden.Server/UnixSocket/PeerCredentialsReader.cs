using System.Buffers.Binary;
using System.Net.Sockets;

namespace Warden.Server.UnixSocket;

/// <summary>Reads the peer's pid, uid and gid of a connected Unix socket (getsockopt SO_PEERCRED).</summary>
internal static class PeerCredentialsReader
{
    private const int SolSocket = 1, SoPeerCred = 17;

    public static PeerCredentials? Read(Socket socket)
    {
        Span<byte> cred = stackalloc byte[12]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        try
        {
            var n = socket.GetRawSocketOption(SolSocket, SoPeerCred, cred);
            if (n < 12) return null;
        }
        catch (SocketException)
        {
            return null;
        }
        return new PeerCredentials(
            BinaryPrimitives.ReadInt32LittleEndian(cred),
            BinaryPrimitives.ReadInt32LittleEndian(cred[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(cred[8..]));
    }
}
