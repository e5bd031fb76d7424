using System.Diagnostics;

namespace Warden.Linux.Tests.Native;

/// <summary>
/// warden-helper's command line (sandbox/native/warden-helper.c) refuses anything malformed before
/// it does anything: too many options, missing values, signs, spaces, suffixes, non-numbers and
/// numbers too large for their field each end in exit 125 with one line naming the option. The
/// same rows run against the helper Warden ships (static, next to the assemblies) and against a
/// build of the same source with AddressSanitizer and UndefinedBehaviorSanitizer, which must not
/// report anything. Nothing is ever started: the command after <c>--</c> does not exist, and no
/// row names a real cgroup.
/// </summary>
public sealed class HelperArgumentParsingTests(HelperArgumentParsingTests.SanitizedHelper sanitized)
    : IClassFixture<HelperArgumentParsingTests.SanitizedHelper>
{
    private const string Missing = "/nonexistent/warden-test-command";

    /// <summary>Hostile command lines, each with the option the refusal must name.</summary>
    public static TheoryData<string, string[]> Hostile
    {
        get
        {
            var rows = new TheoryData<string, string[]>
            {
                { "missing command", ["launch"] },
                { "missing command", ["launch", "--uid", "1000"] },
                { "missing value", ["launch", "--uid"] },
                { "missing value", ["launch", "--cgroup"] },
                { "missing value", ["exec", "--collect"] },
                { "missing program", ["exec", "--collect-max-files", "3"] },
                { "unknown option", ["launch", "--privileged", "1", "--", Missing] },
                { "unknown option", ["exec", "--bogus", "1", "--", Missing] },
                // strtol read these as 0 (root's group), -1 as "no uid: stay root", and wrapped large ones round to another uid.
                { "--uid", ["launch", "--uid", "abc", "--", Missing] },
                { "--gid", ["launch", "--gid", "abc", "--", Missing] },
                { "--gid", ["launch", "--gid", "", "--", Missing] },
                { "--gid", ["launch", "--uid", "1000", "--gid", "0", "--", Missing] },
                { "--uid", ["launch", "--uid", "0", "--", Missing] },
                { "--uid", ["launch", "--uid", "-1", "--", Missing] },
                { "--uid", ["launch", "--uid", "+1000", "--", Missing] },
                { "--uid", ["launch", "--uid", " 1000", "--", Missing] },
                { "--uid", ["launch", "--uid", "1000x", "--", Missing] },
                { "--uid", ["launch", "--uid", "4294967295", "--", Missing] },
                { "--uid", ["launch", "--uid", "4294968296", "--", Missing] },
                { "--uid", ["launch", "--uid", new string('9', 5000), "--", Missing] },
                { "--close-from", ["launch", "--close-from", "abc", "--", Missing] },
                { "--close-from", ["launch", "--close-from", "0", "--", Missing] },
                // "-1" was RLIM_INFINITY to sscanf's %llu.
                { "--rlimit", ["launch", "--rlimit", "cpu=-1:-1", "--", Missing] },
                { "--rlimit", ["launch", "--rlimit", "cpu=2:1", "--", Missing] },
                { "--rlimit", ["launch", "--rlimit", "cpu=1:2:3", "--", Missing] },
                { "--rlimit", ["launch", "--rlimit", "cpu=1", "--", Missing] },
                { "--rlimit", ["launch", "--rlimit", "=1:1", "--", Missing] },
                { "--rlimit", ["launch", "--rlimit", "bogus=1:1", "--", Missing] },
                { "--rlimit", ["launch", "--rlimit", "cpu=99999999999999999999999:99999999999999999999999", "--", Missing] },
                { "--rlimit", ["launch", "--rlimit", new string('a', 5000) + "=1:1", "--", Missing] },
                { "--rlimit", ["launch", "--rlimit", "cpu=" + new string('1', 5000) + ":1", "--", Missing] },
                { "--collect-max-bytes", ["exec", "--collect-max-bytes", "abc", "--", Missing] },
                { "--collect-max-bytes", ["exec", "--collect-max-bytes", "99999999999999999999", "--", Missing] },
                { "--collect-max-files", ["exec", "--collect-max-files", "-5", "--", Missing] },
                { "--collect-max-files", ["exec", "--collect-max-files", "2147483648", "--", Missing] },
            };
            rows.Add("more than 16 --cgroup", ["launch", .. Enumerable.Range(0, 17).SelectMany(i => new[] { "--cgroup", $"/nonexistent/warden-test-{i}/cgroup.procs" }), "--", Missing]);
            rows.Add("more than 16 --rlimit", ["launch", .. Enumerable.Range(0, 17).SelectMany(_ => new[] { "--rlimit", "core=0:0" }), "--", Missing]);
            rows.Add("more than 64 --collect", ["exec", .. Enumerable.Range(0, 65).SelectMany(_ => new[] { "--collect", "*" }), "--", Missing]);
            rows.Add("--uid", ["launch", .. Enumerable.Range(0, 1_000).Select(_ => "--uid")]);
            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task ShippedHelper_RefusesAHostileCommandLine_NamingTheOption(string option, string[] argv)
    {
        var helper = Path.Combine(AppContext.BaseDirectory, "warden-helper");
        Assert.True(File.Exists(helper), $"{helper} is missing: Warden.Linux builds it");
        AssertRefused(option, await RunAsync(helper, argv));
    }

    [SanitizerTheory]
    [MemberData(nameof(Hostile))]
    public async Task SanitizedHelper_RefusesAHostileCommandLine_WithoutASanitizerReport(string option, string[] argv)
    {
        var r = await RunAsync(sanitized.Binary, argv);
        AssertNoSanitizerReport(r);
        AssertRefused(option, r);
    }

    [SanitizerFact]
    public async Task SanitizedHelper_WithoutAMode_PrintsItsUsage_AndAWellFormedLineGetsToExec()
    {
        var usage = await RunAsync(sanitized.Binary, ["nonsense"]);
        AssertNoSanitizerReport(usage);
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("usage: warden-helper", usage.Stderr);
        // A well-formed line (as Warden writes it) parses: the helper gets as far as exec, which fails.
        var ok = await RunAsync(sanitized.Binary, ["launch", "--rlimit", "cpu=3:4", "--rlimit", "core=0:0", "--close-from", "5", "--", Missing]);
        AssertNoSanitizerReport(ok);
        Assert.Equal(125, ok.ExitCode);
        Assert.Contains("exec bubblewrap failed", ok.Stderr);
    }

    private static void AssertRefused(string option, Result r)
    {
        Assert.True(r.ExitCode == 125, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Equal($"warden-helper: argument parsing ({option}) failed: Invalid argument\n", r.Stderr);
    }

    private static void AssertNoSanitizerReport(Result r)
    {
        Assert.DoesNotContain("Sanitizer", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("runtime error:", r.Stderr, StringComparison.Ordinal);
        Assert.False(r.ExitCode is SanitizedHelper.AsanExit or SanitizedHelper.UbsanExit, r.Stderr);
    }

    internal sealed record Result(int ExitCode, string Stderr);

    private static async Task<Result> RunAsync(string binary, IEnumerable<string> argv)
    {
        var psi = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in argv) psi.ArgumentList.Add(a);
        psi.Environment["ASAN_OPTIONS"] = $"exitcode={SanitizedHelper.AsanExit}:detect_leaks=0:abort_on_error=0";
        psi.Environment["UBSAN_OPTIONS"] = $"exitcode={SanitizedHelper.UbsanExit}:halt_on_error=1:print_stacktrace=1";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            throw new TimeoutException($"{binary} did not end within 30 s");
        }
        await stdout;
        return new Result(p.ExitCode, await stderr);
    }

    /// <summary>
    /// warden-helper.c built with <c>-fsanitize=address,undefined -fno-sanitize-recover=all</c> into
    /// a temporary directory (removed afterwards). Dynamic, not static: ASan needs its runtime.
    /// </summary>
    public sealed class SanitizedHelper : IDisposable
    {
        public const int AsanExit = 86, UbsanExit = 87;
        private readonly DirectoryInfo? _dir;

        public SanitizedHelper()
        {
            if (SanitizerProbe.Missing is not null) return;
            _dir = Directory.CreateTempSubdirectory("warden-helper-san-");
            Binary = Path.Combine(_dir.FullName, "warden-helper-san");
            var (code, output) = SanitizerProbe.Gcc(["-g", "-O1", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined",
                "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-o", Binary, SanitizerProbe.HelperSource()]);
            if (code != 0) throw new InvalidOperationException($"the sanitizer build of warden-helper.c failed: {output}");
        }

        public string Binary { get; } = "";

        public void Dispose() => _dir?.Delete(recursive: true);
    }
}

/// <summary>Whether gcc can build and run a program with ASan and UBSan here (probed once).</summary>
internal static class SanitizerProbe
{
    private static readonly Lazy<string?> Probe = new(Run);

    /// <summary>Why the sanitizer build cannot run on this host, or null.</summary>
    public static string? Missing => Probe.Value;

    public static string HelperSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var source = Path.Combine(dir.FullName, "sandbox", "native", "warden-helper.c");
            if (File.Exists(source)) return source;
        }
        throw new FileNotFoundException("sandbox/native/warden-helper.c not found above " + AppContext.BaseDirectory);
    }

    public static (int Code, string Output) Gcc(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("/usr/bin/gcc") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    private static string? Run()
    {
        if (!File.Exists("/usr/bin/gcc")) return "/usr/bin/gcc is not installed (Debian package gcc)";
        var dir = Directory.CreateTempSubdirectory("warden-san-probe-");
        try
        {
            var source = Path.Combine(dir.FullName, "probe.c");
            var binary = Path.Combine(dir.FullName, "probe");
            File.WriteAllText(source, "#include <stdlib.h>\nint main(int c, char **v) { (void)v; char *p = malloc(4); p[0] = (char)c; int r = p[0] - c; free(p); return r; }\n");
            var (code, output) = Gcc(["-fsanitize=address,undefined", "-o", binary, source]);
            if (code != 0) return "gcc cannot build with -fsanitize=address,undefined (libasan/libubsan missing?): " + output.Trim();
            using var p = Process.Start(new ProcessStartInfo(binary) { RedirectStandardError = true, UseShellExecute = false })!;
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? null : $"a program built with ASan and UBSan does not run here (exit {p.ExitCode}): {err.Trim()}";
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

/// <summary>A fact skipped, with the probe's reason, where gcc cannot build and run sanitized programs.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SanitizerFactAttribute : FactAttribute
{
    public SanitizerFactAttribute()
    {
        if (SanitizerProbe.Missing is { } why) Skip = "host lacks ASan/UBSan: " + why;
    }
}

/// <summary>A theory skipped, with the probe's reason, where gcc cannot build and run sanitized programs.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SanitizerTheoryAttribute : TheoryAttribute
{
    public SanitizerTheoryAttribute()
    {
        if (SanitizerProbe.Missing is { } why) Skip = "host lacks ASan/UBSan: " + why;
    }
}
