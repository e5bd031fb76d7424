using System.Buffers;
using System.Globalization;
using System.IO.Pipes;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Warden.Sandbox;

namespace Warden.Linux.Isolation;

/// <summary>What the in-sandbox helper reported on its status pipe (defined in sandbox/PROTOCOLS.md §1).</summary>
internal sealed record StatusReport
{
    public bool Started { get; init; }
    public int? ExecErrno { get; init; }
    public int? ExitCode { get; init; }
    /// <summary>The exit code a zygote job announced just before exiting ("Q code"); Warden answers on it.</summary>
    public int? QuitCode { get; init; }
    public int? Signal { get; init; }
    public double CpuMs { get; init; }
    public long MaxRssKb { get; init; }
    public List<CollectedFile> Files { get; init; } = [];
    public bool Complete { get; init; }
    /// <summary>"U": a writable tmpfs of the sandbox was (all but) full when the program ended.</summary>
    public bool DiskFull { get; init; }
}

/// <summary>Reads and parses the helper's status pipe, keeping at most a bounded number of bytes.</summary>
internal static class StatusChannel
{
    public static async Task<StatusReport> ReadAsync(int fd, long maxBytes)
    {
        using var stream = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));
        return Parse(await ReadBoundedAsync(stream, maxBytes).ConfigureAwait(false));
    }

    /// <summary>Reads <paramref name="stream"/> to its end, keeping at most <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadBoundedAsync(Stream stream, long maxBytes)
    {
        var kept = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                if (kept.Length + n <= maxBytes) kept.Write(buffer, 0, n);
            return kept.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Parses the protocol; a torn or malformed tail is ignored (the program may have been killed
    /// mid-report). The channel is hostile input: on the fast path the program itself writes the
    /// collect pipe (its files and its exit record), so a record is kept only when its values are
    /// ones a process could produce — exit codes 0-255, signals 1-64, errno values 1-4095 — and a
    /// file only when its name is a relative path under /workspace (the cold path's rules: no
    /// leading <c>/</c>, no <c>.</c>, <c>..</c> or empty segments, no NUL, control characters or
    /// backslashes, at most 255 bytes a segment and 4096 in all). Other records are dropped.
    /// </summary>
    public static StatusReport Parse(ReadOnlySpan<byte> data)
    {
        var r = new StatusReport();
        var files = new List<CollectedFile>();
        var pos = 0;
        while (pos < data.Length)
        {
            var nl = data[pos..].IndexOf((byte)'\n');
            if (nl < 0) break;
            var line = Encoding.ASCII.GetString(data.Slice(pos, nl));
            pos += nl + 1;
            var p = line.Split(' ');
            switch (p[0])
            {
                case "S":
                    r = r with { Started = true };
                    break;
                case "E" when p.Length >= 2 && InRange(p[1], 1, 4095, out var errno):
                    r = r with { ExecErrno = errno };
                    break;
                case "X" when p.Length >= 5 && InRange(p[1], 0, 255, out var code):
                    r = r with { ExitCode = code, CpuMs = Cpu(p[2], p[3]), MaxRssKb = Math.Max(0, Long(p[4])) };
                    break;
                case "K" when p.Length >= 5 && InRange(p[1], 1, 64, out var signal):
                    r = r with { Signal = signal, CpuMs = Cpu(p[2], p[3]), MaxRssKb = Math.Max(0, Long(p[4])) };
                    break;
                case "F" or "T" when p.Length >= 3:
                    var size = Long(p[1]);
                    var plen = Int(p[2]);
                    var body = p[0] == "F" ? size : 0;
                    if (plen <= 0 || plen > 4096 || size < 0 || pos + plen + body > data.Length) { pos = data.Length; break; }
                    var path = Encoding.UTF8.GetString(data.Slice(pos, plen));
                    pos += plen;
                    var content = p[0] == "F" ? data.Slice(pos, (int)size).ToArray() : null;
                    pos += (int)body;
                    if (!IsWorkspacePath(path)) break;
                    // A name sent twice (a forged record before the collector's own) keeps the last.
                    files.RemoveAll(f => f.Path == path);
                    files.Add(content is not null ? new CollectedFile(path, size, content, null) : new CollectedFile(path, size, null, "too-large"));
                    break;
                case "Q" when p.Length >= 2 && InRange(p[1], 0, 255, out var quit):
                    r = r with { QuitCode = quit };
                    break;
                case "U":
                    r = r with { DiskFull = true };
                    break;
                case "D":
                    r = r with { Complete = true };
                    break;
            }
        }
        return r with { Files = files };
    }

    private static bool InRange(string s, int min, int max, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static double Cpu(string user, string system) => (Math.Max(0, Long(user)) + Math.Max(0, Long(system))) / 1000.0;

    /// <summary>Whether <paramref name="path"/> names a file under /workspace by the request's own path rules.</summary>
    internal static bool IsWorkspacePath(string path)
    {
        try
        {
            return Warden.Execution.RunRequestValidator.ValidateRelativePath("files.path", path) == path;
        }
        catch (InvalidRequestException)
        {
            return false;
        }
    }

    private static int Int(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
    private static long Long(string s) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
