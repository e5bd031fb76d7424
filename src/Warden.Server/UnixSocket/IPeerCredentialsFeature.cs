namespace Warden.Server.UnixSocket;

/// <summary>The credentials of the process at the other end of a Unix-socket connection (SO_PEERCRED).</summary>
internal interface IPeerCredentialsFeature
{
    int Pid { get; }
    int Uid { get; }
    int Gid { get; }
}

/// <summary>The feature's value, set on the connection when it is accepted.</summary>
internal sealed record PeerCredentials(int Pid, int Uid, int Gid) : IPeerCredentialsFeature;
