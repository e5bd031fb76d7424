using System.Runtime.InteropServices;

namespace Warden.Linux.Native;

/// <summary>Unix-domain socket pairs and descriptor passing (SCM_RIGHTS), which .NET's Socket lacks.</summary>
internal static unsafe partial class UnixSockets
{
    private const int AF_UNIX = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000, SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_NOSIGNAL = 0x4000;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Len;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLen;
        public IoVec* Iov;
        public nuint IovLen;
        public void* Control;
        public nuint ControlLen;
        public int Flags;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socketpair(int domain, int type, int protocol, int* sv);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int fd, MsgHdr* msg, int flags);

    /// <summary>A connected SOCK_SEQPACKET pair (message boundaries kept), both ends close-on-exec.</summary>
    public static (int A, int B) SeqPacketPair()
    {
        int* sv = stackalloc int[2];
        Libc.Check(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), "socketpair");
        return (sv[0], sv[1]);
    }

    /// <summary>Sends one message, with <paramref name="fds"/> attached as SCM_RIGHTS.</summary>
    public static void Send(int socket, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds)
    {
        var controlLen = fds.Length == 0 ? 0 : 16 + (((fds.Length * 4) + 7) & ~7);
        byte* control = stackalloc byte[Math.Max(controlLen, 16)];
        new Span<byte>(control, Math.Max(controlLen, 16)).Clear();
        if (fds.Length > 0)
        {
            *(nuint*)control = (nuint)(16 + (fds.Length * 4));
            *(int*)(control + 8) = SOL_SOCKET;
            *(int*)(control + 12) = SCM_RIGHTS;
            for (var i = 0; i < fds.Length; i++) *(int*)(control + 16 + (i * 4)) = fds[i];
        }
        fixed (byte* p = data)
        {
            var iov = new IoVec { Base = p, Len = (nuint)data.Length };
            var msg = new MsgHdr { Iov = &iov, IovLen = 1, Control = fds.Length > 0 ? control : null, ControlLen = (nuint)controlLen };
            while (true)
            {
                var n = sendmsg(socket, &msg, MSG_NOSIGNAL);
                if (n >= 0) return;
                if (Marshal.GetLastPInvokeError() == Libc.EINTR) continue;
                throw new IOException("sendmsg failed: " + Marshal.GetLastPInvokeErrorMessage());
            }
        }
    }
}
