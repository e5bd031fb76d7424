using System.Runtime.InteropServices;

namespace Warden.Server.Hosting;

/// <summary>The few POSIX calls the server needs that .NET does not offer: the effective uid and lstat's owner and type.</summary>
internal static unsafe partial class Posix
{
    public const uint S_IFMT = 0xF000, S_IFSOCK = 0xC000, S_IFLNK = 0xA000, S_IFDIR = 0x4000, S_IFREG = 0x8000;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint geteuid();

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int lstat(string path, byte* buf);

    /// <summary>Warden's effective uid.</summary>
    public static int EffectiveUid => (int)geteuid();

    /// <summary>The type bits, permission bits and owner of <paramref name="path"/> itself (links not followed); null when it does not exist.</summary>
    public static (uint Type, uint Mode, int Uid)? LStat(string path)
    {
        var buf = stackalloc byte[256];
        if (lstat(path, buf) != 0) return null;
        // struct stat: x86-64 has st_mode at 24 and st_uid at 28; the generic layout (arm64) has them at 16 and 24.
        var (modeOffset, uidOffset) = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? (24, 28) : (16, 24);
        var mode = *(uint*)(buf + modeOffset);
        var uid = *(uint*)(buf + uidOffset);
        return (mode & S_IFMT, mode & 0xFFF, (int)uid);
    }
}
