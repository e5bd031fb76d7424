using System.Buffers;
using System.Globalization;
using System.IO.Pipes;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Warden.Sandbox;

namespace Warden.Linux.Isolation;

/// <summary>What the in-sandbox helper reported on its status pipe (see Native/warden-helper.c).</summary>
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

    /// <summary>Parses the protocol; a torn or malformed tail is ignored (the program may have been killed mid-report).</summary>
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
                case "E" when p.Length >= 2:
                    r = r with { ExecErrno = Int(p[1]) };
                    break;
                case "X" or "K" when p.Length >= 5:
                    var cpu = (Long(p[2]) + Long(p[3])) / 1000.0;
                    r = p[0] == "X"
                        ? r with { ExitCode = Int(p[1]), CpuMs = cpu, MaxRssKb = Long(p[4]) }
                        : r with { Signal = Int(p[1]), CpuMs = cpu, MaxRssKb = Long(p[4]) };
                    break;
                case "F" or "T" when p.Length >= 3:
                    var size = Long(p[1]);
                    var plen = Int(p[2]);
                    var body = p[0] == "F" ? size : 0;
                    if (plen <= 0 || plen > 4096 || size < 0 || pos + plen + body > data.Length) { pos = data.Length; break; }
                    var path = Encoding.UTF8.GetString(data.Slice(pos, plen));
                    pos += plen;
                    if (p[0] == "F")
                    {
                        files.Add(new CollectedFile(path, size, data.Slice(pos, (int)size).ToArray(), null));
                        pos += (int)size;
                    }
                    else
                    {
                        files.Add(new CollectedFile(path, size, null, "too-large"));
                    }
                    break;
                case "Q" when p.Length >= 2:
                    r = r with { QuitCode = Int(p[1]) };
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

    private static int Int(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
    private static long Long(string s) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
