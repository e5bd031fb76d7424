namespace Warden.Linux.Isolation;

/// <summary>
/// Diagnostics on stderr when <c>WARDEN_DEBUG</c> is set: 1 for engine events (zygote starts,
/// ends, fallbacks to the cold path), 2 also for every process a cgroup sweep kills.
/// </summary>
internal static class DebugLog
{
    private static readonly int Level = Environment.GetEnvironmentVariable("WARDEN_DEBUG") switch { "1" => 1, "2" => 2, _ => 0 };

    public static bool Events => Level >= 1;
    public static bool Kills => Level >= 2;

    public static void Write(string message) => Console.Error.WriteLine("warden: " + message);
}
