using System.Diagnostics;
using System.Runtime.InteropServices;
using Warden.Languages;
using Warden.Linux.Isolation;
using Warden.Linux.Native;
using Warden.Sandbox;
using Xunit;
using Xunit.Sdk;

namespace Warden.TestSupport;

/// <summary>
/// What the host offers that some tests need and Warden itself does not (a CPU architecture, a
/// kernel ABI, a cgroup version, a toolchain, a Python package). Each probe runs once, is
/// harmless outside a sandbox, and gives null when the feature is there, else the reason it is
/// not; <see cref="HostFactAttribute"/> and <see cref="HostTheoryAttribute"/> skip a test with
/// that reason. The isolation layers themselves (bubblewrap, user namespaces, a writable cgroup
/// tree, seccomp) are never probed here: without them Warden refuses to run, and the engine
/// fixtures fail with `warden doctor`'s message instead of skipping. docs/testing.md lists every
/// host assumption and what its probe does.
/// </summary>
public static class HostFeatures
{
    private static readonly Lazy<I386Abi> LazyI386 = new(ProbeI386);
    private static readonly Lazy<LanguageRegistry> Languages = new(() =>
        new LanguageRegistry(LanguageRegistry.BuiltIn(), p => SandboxAccess.CanExecute(p, Libc.geteuid() == 0)));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<HostNeed, Lazy<string?>> Probed = new();

    /// <summary>Why <paramref name="need"/> is missing on this host, or null when it is there (probed once per process).</summary>
    public static string? Missing(HostNeed need) => Probed.GetOrAdd(need, n => new Lazy<string?>(() => Probe(n))).Value;

    private static string? Probe(HostNeed need) => need switch
    {
        HostNeed.X86_64 => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? null
            : $"the test uses x86_64 syscall numbers or instructions; this host is {RuntimeInformation.ProcessArchitecture}",
        HostNeed.Root => Libc.geteuid() == 0 ? null : $"needs root (another host uid, cgroup directories); running as uid {Libc.geteuid()}",
        HostNeed.Setpriv => File.Exists("/usr/bin/setpriv") ? null : "/usr/bin/setpriv is not installed (Debian package util-linux)",
        HostNeed.CgroupV2 => CgroupMounts().Contains("cgroup2") ? null : "no cgroup v2 hierarchy is mounted (a cgroup v1-only host)",
        HostNeed.CgroupVersionMissing => CgroupMounts() is var m && m.Contains("cgroup2") && m.Contains("cgroup")
            ? "this host mounts both cgroup v1 and v2: no version is missing to show" : null,
        HostNeed.Node => Language("javascript", "nodejs"),
        HostNeed.Java => Language("java", "default-jdk-headless"),
        HostNeed.Go => Language("go", "golang-go"),
        HostNeed.Rust => Language("rust", "rustc"),
        HostNeed.CSharp => Language("csharp", "the .NET SDK at /usr/bin/dotnet"),
        HostNeed.Gpp => Language("cpp", "g++"),
        HostNeed.Numpy => PythonModule("numpy", "python3-numpy"),
        HostNeed.Pandas => PythonModule("pandas", "python3-pandas"),
        HostNeed.Matplotlib => PythonModule("matplotlib", "python3-matplotlib"),
        HostNeed.ScientificPython => Missing(HostNeed.Numpy) ?? Missing(HostNeed.Pandas) ?? Missing(HostNeed.Matplotlib),
        _ => throw new ArgumentOutOfRangeException(nameof(need)),
    };

    /// <summary>The first missing feature of <paramref name="needs"/>, as a skip reason, or null.</summary>
    public static string? SkipReason(IEnumerable<HostNeed> needs) =>
        needs.Select(n => Missing(n) is { } why ? $"host lacks {n}: {why}" : null).FirstOrDefault(r => r is not null);

    /// <summary>
    /// What this host does with an i386 system call (<c>int $0x80</c>) from a 64-bit process,
    /// probed once outside any sandbox with a harmless getpid.
    /// </summary>
    public static I386Abi I386 => LazyI386.Value;

    private static string? Language(string id, string package)
    {
        var d = Languages.Value.Find(id);
        if (d is null) return $"the language table has no {id}";
        var status = Languages.Value.Status(d);
        return status.Available ? null : $"{status.Reason} (install {package}; ./test.sh installs only the packages in scripts/host-packages.sh)";
    }

    private static string? PythonModule(string module, string package)
    {
        var (code, _, err) = RunHost("/usr/bin/python3", ["-c", $"import {module}"]);
        return code == 0 ? null : $"python3 cannot import {module} (install {package}): {err.Trim()}";
    }

    private static HashSet<string> CgroupMounts() =>
        File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(p => p.Length > 2).Select(p => p[2])
            .Where(t => t is "cgroup" or "cgroup2").ToHashSet(StringComparer.Ordinal);

    private static I386Abi ProbeI386()
    {
        if (Missing(HostNeed.X86_64) is { } arch) return new(I386Outcome.NotApplicable, arch);
        if (!File.Exists("/usr/bin/gcc")) return new(I386Outcome.NotApplicable, "/usr/bin/gcc is not installed, so the probe cannot be built");
        var dir = Directory.CreateTempSubdirectory("warden-i386-probe-");
        try
        {
            var source = Path.Combine(dir.FullName, "probe.c");
            var binary = Path.Combine(dir.FullName, "probe");
            File.WriteAllText(source, """
                #include <stdio.h>
                int main(void) {
                    long ret;
                    fflush(stdout);
                    __asm__ volatile ("int $0x80" : "=a"(ret) : "a"(20) : "memory"); /* i386 getpid: harmless */
                    printf("returned %ld\n", ret);
                    return 0;
                }
                """);
            var (cc, _, ccErr) = RunHost("/usr/bin/gcc", ["-O0", "-o", binary, source]);
            if (cc != 0) return new(I386Outcome.NotApplicable, "the probe did not compile: " + ccErr.Trim());
            var (code, output, _) = RunHost(binary, []);
            // A process killed by a signal: .NET reports 128 + the signal number.
            if (code == 0 && output.StartsWith("returned ", StringComparison.Ordinal))
                return new(I386Outcome.Runs, $"int $0x80 getpid returned {output["returned ".Length..].Trim()} on the host");
            var signal = code > 128 ? code - 128 : 0;
            return new(I386Outcome.Refused, $"the host itself refuses int $0x80 (exit status {code}{(signal > 0 ? $", signal {signal}" : "")}): no IA-32 entry in this kernel or hypervisor", signal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static (int Code, string Stdout, string Stderr) RunHost(string file, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
                return (-1, "", "timed out");
            }
            return (p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, "", e.Message);
        }
    }
}

/// <summary>A host feature a test needs (see <see cref="HostFeatures.Missing"/>).</summary>
public enum HostNeed
{
    /// <summary>An x86_64 CPU (syscall numbers, inline assembly).</summary>
    X86_64,
    /// <summary>Running as root.</summary>
    Root,
    /// <summary>util-linux's setpriv, to act as another host uid.</summary>
    Setpriv,
    /// <summary>A mounted cgroup v2 hierarchy.</summary>
    CgroupV2,
    /// <summary>A host where one of cgroup v1 or v2 is not mounted (to show doctor's failure for it).</summary>
    CgroupVersionMissing,
    /// <summary>Node.js reachable by the sandbox user.</summary>
    Node,
    /// <summary>A JDK reachable by the sandbox user.</summary>
    Java,
    /// <summary>Go reachable by the sandbox user.</summary>
    Go,
    /// <summary>rustc reachable by the sandbox user.</summary>
    Rust,
    /// <summary>The .NET SDK at /usr/bin/dotnet reachable by the sandbox user.</summary>
    CSharp,
    /// <summary>g++ reachable by the sandbox user.</summary>
    Gpp,
    /// <summary>Debian's python3 imports numpy.</summary>
    Numpy,
    /// <summary>Debian's python3 imports pandas.</summary>
    Pandas,
    /// <summary>Debian's python3 imports matplotlib.</summary>
    Matplotlib,
    /// <summary>Debian's python3 imports numpy, pandas and matplotlib (what the scientific zygote preloads).</summary>
    ScientificPython,
}

/// <summary>What the host does with an i386 system call.</summary>
public enum I386Outcome
{
    /// <summary>The kernel runs it (IA-32 emulation is on): only a seccomp filter stops it.</summary>
    Runs,
    /// <summary>The host answers with a signal (usually SIGSEGV): there is no IA-32 entry to filter.</summary>
    Refused,
    /// <summary>Not an x86_64 host, or no compiler to build the probe.</summary>
    NotApplicable,
}

/// <summary>The i386 probe's outcome, what it saw, and the signal when the host refused.</summary>
public sealed record I386Abi(I386Outcome Outcome, string Detail, int Signal = 0)
{
    /// <summary>The name of <see cref="Signal"/> as run results spell it (SIGSEGV), or null.</summary>
    public string? SignalName => Signal > 0 ? OutcomeClassifier.SignalName(Signal) : null;
}

/// <summary>A fact skipped, with the probe's reason, where the host lacks one of <see cref="Needs"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HostFactAttribute : FactAttribute
{
    /// <summary>Skips unless every one of <paramref name="needs"/> is there.</summary>
    public HostFactAttribute(params HostNeed[] needs)
    {
        Needs = needs;
        if (HostFeatures.SkipReason(needs) is { } why) Skip = why;
    }

    /// <summary>The features the test needs.</summary>
    public IReadOnlyList<HostNeed> Needs { get; }
}

/// <summary>A theory skipped, with the probe's reason, where the host lacks one of <see cref="Needs"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HostTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless every one of <paramref name="needs"/> is there.</summary>
    public HostTheoryAttribute(params HostNeed[] needs)
    {
        Needs = needs;
        if (HostFeatures.SkipReason(needs) is { } why) Skip = why;
    }

    /// <summary>The features the test needs.</summary>
    public IReadOnlyList<HostNeed> Needs { get; }
}

/// <summary>One row of a theory, skipped with the probe's reason where the host lacks <see cref="Need"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class HostInlineDataAttribute : DataAttribute
{
    private readonly object[] _data;

    /// <summary>The row <paramref name="data"/>, run only where <paramref name="need"/> is there.</summary>
    public HostInlineDataAttribute(HostNeed need, params object[] data)
    {
        Need = need;
        _data = data;
        if (HostFeatures.SkipReason([need]) is { } why) Skip = why;
    }

    /// <summary>The feature the row needs.</summary>
    public HostNeed Need { get; }

    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [_data];
}
