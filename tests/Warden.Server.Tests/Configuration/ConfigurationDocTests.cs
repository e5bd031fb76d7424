using System.Globalization;
using System.Text.RegularExpressions;
using Warden.Linux.FastPath;
using Warden.Linux.Isolation;
using Warden.Policy;
using Warden.Server.Configuration;

namespace Warden.Server.Tests.Configuration;

/// <summary>
/// docs/configuration.md states every default and bound; the code states each once. These tests
/// read the document's tables and compare them with the code, so neither can drift alone.
/// </summary>
public sealed partial class ConfigurationDocTests
{
    private const double KiB = 1 << 10, MiB = 1 << 20, GiB = 1 << 30;

    [Fact]
    public void ConfigurationDoc_LimitsTable_StatesTheCodesDefaultsAndBounds()
    {
        var rows = Rows();
        void Limit(string field, double def, double min, double max)
        {
            var (d, bounds) = Cells(rows, field, 1, 2);
            Assert.True(Numbers(d).SequenceEqual([def]), $"{field}: the document says default '{d}', the code {def}");
            Assert.True(Numbers(bounds).SequenceEqual([min, max]), $"{field}: the document says bounds '{bounds}', the code {min} .. {max}");
        }
        Limit("timeoutMs", Limits.Defaults.TimeoutMs, LimitsRequest.Bounds.MinTimeoutMs, LimitsRequest.Bounds.MaxTimeoutMs);
        Limit("memoryMb", Limits.Defaults.MemoryMb, LimitsRequest.Bounds.MinMemoryMb, LimitsRequest.Bounds.MaxMemoryMb);
        Limit("pids", Limits.Defaults.Pids, LimitsRequest.Bounds.MinPids, LimitsRequest.Bounds.MaxPids);
        Limit("cpus", Limits.Defaults.Cpus, LimitsRequest.Bounds.MinCpus, LimitsRequest.Bounds.MaxCpus);
        Limit("outputBytes", Limits.Defaults.OutputBytes, LimitsRequest.Bounds.MinOutputBytes, LimitsRequest.Bounds.MaxOutputBytes);
        Limit("diskMb", Limits.Defaults.DiskMb, LimitsRequest.Bounds.MinDiskMb, LimitsRequest.Bounds.MaxDiskMb);
        Limit("openFiles", Limits.Defaults.OpenFiles, LimitsRequest.Bounds.MinOpenFiles, LimitsRequest.Bounds.MaxOpenFiles);
    }

    [Fact]
    public void ConfigurationDoc_EngineTable_StatesTheEngineOptionsDefaults()
    {
        var rows = Rows();
        var e = new EngineOptions();
        var z = new ZygoteOptions();
        Text(rows, "BwrapPath", e.BwrapPath);
        Text(rows, "CgroupVersion", e.CgroupVersion);
        Text(rows, "KeepCgroupAttachWarm", Bool(e.KeepCgroupAttachWarm));
        Text(rows, "UnsafeNoIsolation", Bool(e.UnsafeNoIsolation));
        Text(rows, "FastPath.StandardZygote", Bool(z.StandardZygote));
        Assert.StartsWith(Bool(z.Enabled), Cells(rows, "FastPath.Enabled", 1, 1).A, StringComparison.Ordinal);
        Num(rows, "SandboxUidBase, SandboxUidCount", e.SandboxUidBase, e.SandboxUidCount);
        Num(rows, "FastPath.Prepared", z.Prepared);
        Num(rows, "FastPath.ScientificPrepared", z.ScientificPrepared);
        Num(rows, "FastPath.NodePrepared", z.NodePrepared);
        Num(rows, "FastPath.RefillConcurrency", z.RefillConcurrency);
        Num(rows, "FastPath.MaxJobs, FastPath.MaxAge", z.MaxJobs, z.MaxAge.TotalSeconds);
        Num(rows, "FastPath.ZygoteMemoryMb, FastPath.ZygotePids", z.ZygoteMemoryMb, z.ZygotePids);
        Num(rows, "FastPath.MaxIdleMemoryMb", z.MaxIdleMemoryMb);
    }

    [Fact]
    public void ConfigurationDoc_ServerTable_StatesTheServerDefaults()
    {
        var rows = Rows();
        var o = new WardenServerOptions();
        var z = new ZygoteOptions();
        Text(rows, "Server:Urls", ServerSection.DefaultUrls);
        Num(rows, "Server:MaxRequestBodyBytes", o.Server.MaxRequestBodyBytes);
        Num(rows, "Server:MaxRequestHeadersBytes", o.Server.MaxRequestHeadersBytes);
        Num(rows, "Server:MaxConcurrentRuns", o.Server.MaxConcurrentRuns);
        Num(rows, "Server:ShutdownGraceSeconds", o.Server.ShutdownGraceSeconds);
        Text(rows, "Auth:Basic", Bool(o.Auth.Basic));
        Text(rows, "Auth:AnonymousLoopback", Bool(o.Auth.AnonymousLoopback));
        Text(rows, "Auth:AnonymousRole", o.Auth.AnonymousRole);
        Num(rows, "Auth:UnauthenticatedRequestsPerMinute", o.Auth.UnauthenticatedRequestsPerMinute);
        foreach (var (name, q) in new[] { ("Admin", o.Quotas.Admin), ("User", o.Quotas.User) })
        {
            var m = q.MaxLimits.Resolve(LimitsRequest.Bounds.Highest);
            Num(rows, "Quotas:" + name, q.RequestsPerMinute, q.ConcurrentRuns, q.LiveSessions, m.TimeoutMs / 1000.0, m.MemoryMb * MiB, m.Pids, m.Cpus, m.OutputBytes, m.DiskMb * MiB, m.OpenFiles);
        }
        Num(rows, "Quotas:Reader", o.Quotas.Reader.RequestsPerMinute);
        Assert.Equal(0, o.Quotas.Reader.ConcurrentRuns + o.Quotas.Reader.LiveSessions);
        Num(rows, "Sessions:MaxSessions", o.Sessions.MaxSessions);
        Num(rows, "Sessions:IdleTtlSeconds", o.Sessions.IdleTtlSeconds);
        Num(rows, "Sessions:MaxLifetimeSeconds", o.Sessions.MaxLifetimeSeconds);
        Num(rows, "Sessions:MaxUploadBytes", o.Sessions.MaxUploadBytes);
        Num(rows, "Sessions:MaxDownloadBytes", o.Sessions.MaxDownloadBytes);
        Text(rows, "Audit:KeepCode", Bool(o.Audit.KeepCode));
        Num(rows, "Audit:QueueCapacity", o.Audit.QueueCapacity);
        Num(rows, "Audit:RetentionDays", o.Audit.RetentionDays);
        Text(rows, "UnixSocket:Enabled", Bool(o.UnixSocket.Enabled));
        Num(rows, "UnixSocket:MaxRequestBodyBytes", o.UnixSocket.MaxRequestBodyBytes);
        // The server's fast-path keys are the engine's options: their defaults are the engine's.
        Num(rows, "Engine:FastPath:Enabled, StandardZygote, Prepared, ScientificPrepared, NodePrepared, MaxJobs, MaxAgeSeconds",
            z.Enabled ? 1 : 0, z.StandardZygote ? 1 : 0, z.Prepared, z.ScientificPrepared, z.NodePrepared, z.MaxJobs, z.MaxAge.TotalSeconds);
    }

    [Fact]
    public void ConfigurationDoc_NumberReader_ReadsTheDocumentsNotation()
    {
        // The reader above must itself be right, or the checks prove nothing.
        Assert.Equal([30_000.0], Numbers("30 000"));
        Assert.Equal([1.0 * KiB, GiB], Numbers("1 KiB .. 1 GiB"));
        Assert.Equal([1_900_000_000.0, 65_536], Numbers("1 900 000 000, 65 536"));
        Assert.Equal([120.0, 4, 4, 60, GiB, 256, 2, 8 * MiB, 256 * MiB, 1024],
            Numbers("120 requests/min, 4 concurrent runs, 4 live sessions, limits up to 60 s, 1 GiB, 256 tasks, 2 cores, 8 MiB output, 256 MiB disk, 1024 files"));
        Assert.Equal([10_000.0, 600, 3600], Numbers("10000, 10 min, 1 h"));
        Assert.Equal([1.0, 0, 4], Numbers("true, false, 4"));
    }

    private static string Bool(bool b) => b ? "true" : "false";

    private static void Text(Dictionary<string, string[]> rows, string key, string expected)
    {
        var actual = Cells(rows, key, 1, 1).A;
        Assert.True(actual == expected, $"{key}: the document says '{actual}', the code '{expected}'");
    }

    private static void Num(Dictionary<string, string[]> rows, string key, params double[] expected)
    {
        var text = Cells(rows, key, 1, 1).A;
        var actual = Numbers(text);
        Assert.True(actual.SequenceEqual(expected),
            $"{key}: the document says '{text}' ({string.Join(", ", actual)}), the code {string.Join(", ", expected)}");
    }

    private static (string A, string B) Cells(Dictionary<string, string[]> rows, string key, int a, int b)
    {
        Assert.True(rows.TryGetValue(key, out var cells), $"docs/configuration.md has no table row for '{key}'");
        return (cells[a], cells[b]);
    }

    // Every table row of the document, keyed by its first cell (backticks removed).
    private static Dictionary<string, string[]> Rows()
    {
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(RepoRoot(), "docs", "configuration.md")))
        {
            if (!line.StartsWith('|') || line.StartsWith("|---", StringComparison.Ordinal)) continue;
            var cells = line.Trim('|').Split('|').Select(c => c.Replace("`", "", StringComparison.Ordinal).Trim()).ToArray();
            if (cells.Length >= 2) rows.TryAdd(cells[0], cells);
        }
        return rows;
    }

    // The numbers of a cell in base units (bytes, seconds; true 1, false 0): "30 000" is 30000, "1 KiB" 1024, "10 min" 600.
    private static List<double> Numbers(string text)
    {
        var result = new List<double>();
        foreach (Match m in NumberPattern().Matches(text))
        {
            if (m.Groups["bool"].Success) { result.Add(m.Groups["bool"].Value == "true" ? 1 : 0); continue; }
            var v = double.Parse(m.Groups["n"].Value.Replace(" ", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
            result.Add(m.Groups["u"].Value switch
            {
                "KiB" => v * KiB, "MiB" => v * MiB, "GiB" => v * GiB, "min" => v * 60, "h" => v * 3600, _ => v,
            });
        }
        return result;
    }

    [GeneratedRegex(@"\b(?:(?<bool>true|false)|(?<n>\d{1,3}(?: \d{3})+(?!\d)|\d+(?:\.\d+)?)(?:\s*(?<u>KiB|MiB|GiB|min|h|s)\b)?)")]
    private static partial Regex NumberPattern();

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Warden.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("no repository root above " + AppContext.BaseDirectory);
        return dir;
    }
}
