using System.Diagnostics;
using System.Runtime.InteropServices;
using Warden.Linux.Cgroups;
using Warden.Linux.Native;

namespace Warden.Linux.Isolation;

/// <summary>Outcome of one host check.</summary>
public enum CheckLevel
{
    /// <summary>In place.</summary>
    Ok,
    /// <summary>Works, but weaker or slower than it should be.</summary>
    Warn,
    /// <summary>Missing.</summary>
    Fail,
}

/// <summary>One line of <c>warden doctor</c>: what was checked, what was found, and the exact fix.</summary>
public sealed record HostCheck(string Name, CheckLevel Level, string Detail, string? Fix = null, bool Required = true);

/// <summary>
/// The host checks behind <c>warden doctor</c> and behind the refusal to run when a layer of
/// isolation is missing. Static checks read files only; <see cref="SmokeTest"/> runs a real sandbox.
/// </summary>
public static class HostProbe
{
    private static bool IsRoot => Libc.geteuid() == 0;

    private static string Apt(string packages) => (IsRoot ? "apt-get install -y " : "sudo apt-get install -y ") + packages;

    /// <summary>Checks that need no process: kernel features, bubblewrap, helper.</summary>
    public static IEnumerable<HostCheck> StaticChecks(EngineOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            yield return new("kernel", CheckLevel.Fail, "Warden's isolation engine needs Linux.", "run Warden on a Linux host");
            yield break;
        }
        var arch = RuntimeInformation.ProcessArchitecture;
        yield return arch is Architecture.X64 or Architecture.Arm64
            ? new("kernel", CheckLevel.Ok, $"Linux {Environment.OSVersion.Version}, {arch}")
            : new("kernel", CheckLevel.Fail, $"no seccomp syscall table for {arch}", "run on x86_64 or aarch64");

        yield return File.Exists(options.BwrapPath)
            ? new("bubblewrap", CheckLevel.Ok, options.BwrapPath)
            : new("bubblewrap", CheckLevel.Fail, $"{options.BwrapPath} not found", Apt("bubblewrap"));

        var maxNs = ReadLong("/proc/sys/user/max_user_namespaces");
        var unprivClone = ReadLong("/proc/sys/kernel/unprivileged_userns_clone");
        var apparmor = ReadLong("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
        if (maxNs is 0)
            yield return new("user namespaces", CheckLevel.Fail, "user.max_user_namespaces is 0", "sysctl -w user.max_user_namespaces=15000 (and persist it in /etc/sysctl.d/)");
        else if (unprivClone is 0)
            yield return new("user namespaces", CheckLevel.Fail, "kernel.unprivileged_userns_clone is 0", "sysctl -w kernel.unprivileged_userns_clone=1 (and persist it in /etc/sysctl.d/)");
        else if (apparmor is 1)
            yield return new("user namespaces", CheckLevel.Fail, "AppArmor restricts unprivileged user namespaces", "add an AppArmor profile allowing userns for " + options.BwrapPath + ", or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
        else
            yield return new("user namespaces", CheckLevel.Ok, $"enabled (max {maxNs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"})");

        var actions = ReadText("/proc/sys/kernel/seccomp/actions_avail");
        yield return actions is not null && actions.Contains("errno", StringComparison.Ordinal) && actions.Contains("kill_process", StringComparison.Ordinal)
            ? new("seccomp", CheckLevel.Ok, "filter mode with errno and kill_process actions")
            : new("seccomp", CheckLevel.Fail, "seccomp filters are not available", "use a kernel built with CONFIG_SECCOMP_FILTER");

        var helper = options.HelperPath ?? Path.Combine(AppContext.BaseDirectory, "warden-helper");
        yield return File.Exists(helper)
            ? new("helper", CheckLevel.Ok, "warden-helper present")
            : new("helper", CheckLevel.Fail, "warden-helper is missing next to Warden's assemblies", "rebuild Warden with gcc installed (" + Apt("gcc libc6-dev") + ", then ./warden)");

        yield return IsRoot
            ? new("identity", CheckLevel.Ok, $"running as root; each sandbox gets its own unprivileged host uid from {options.SandboxUidBase}")
            : new("identity", CheckLevel.Warn, $"running as uid {Libc.geteuid()}; sandboxes run as this (unprivileged) uid", "run Warden as root (it never runs code as root) to give each sandbox its own uid", Required: false);
    }

    /// <summary>The cgroup check: which version, and whether each controller accepts a limit.</summary>
    public static HostCheck CgroupCheck(EngineOptions options)
    {
        var layout = CgroupLayout.Read();
        var (driver, problem, fix) = layout.CreateDriver(options.CgroupVersion, "doctor-" + Environment.ProcessId);
        if (driver is null) return new("cgroups", CheckLevel.Fail, problem!, fix);
        try
        {
            var cg = driver.Create("probe", Policy.Limits.Default, 8);
            var ok = cg.TryRemove();
            driver.RemoveOwnParent();
            var controllers = driver.Version == "v2" ? "memory.max, memory.swap.max, pids.max, cpu.max" : "memory (+memsw where present), pids, cpu quota";
            return ok
                ? new("cgroups", CheckLevel.Ok, $"{driver.Version}: created a sandbox cgroup with {controllers} and removed it")
                : new("cgroups", CheckLevel.Warn, $"{driver.Version}: created a cgroup but could not remove it", "check for processes left in Warden's cgroups", Required: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SandboxException)
        {
            driver.RemoveOwnParent();
            return new("cgroups", CheckLevel.Fail, $"{driver.Version} is not writable: {ex.Message}",
                IsRoot ? "mount the cgroup file system read-write" : "run Warden as root, or in a delegated cgroup (systemd-run --user --scope -p Delegate=yes ./warden ...)");
        }
    }

    /// <summary>Runs <c>/bin/true</c> in a real sandbox with every layer, and checks a denied syscall is denied.</summary>
    public static async Task<HostCheck> SmokeTest(LinuxSandboxBackend backend)
    {
        try
        {
            var sw = Stopwatch.StartNew();
            var outcome = await backend.ExecuteAsync(new Sandbox.SandboxSpec
            {
                Argv = ["/bin/sh", "-c", "cat /proc/self/status | grep -E '^(Seccomp|NoNewPrivs|CapEff):'; cat /proc/self/uid_map"],
                Limits = new Policy.Limits { TimeoutMs = 10_000 },
            }, null, CancellationToken.None).ConfigureAwait(false);
            if (!outcome.Started)
                return new("sandbox", CheckLevel.Fail, "a sandbox could not start: " + (outcome.Diagnostic ?? outcome.SetupError), "fix the failures above; see docs/threat-model.md");
            var text = outcome.Stdout;
            var seccomp = text.Contains("Seccomp:\t2", StringComparison.Ordinal);
            var nnp = text.Contains("NoNewPrivs:\t1", StringComparison.Ordinal);
            var caps = text.Contains("CapEff:\t0000000000000000", StringComparison.Ordinal);
            if (!(seccomp && nnp && caps && outcome.ExitCode == 0))
                return new("sandbox", CheckLevel.Fail, "a sandbox started without every layer: " + text.ReplaceLineEndings(" "), "report this as a bug");
            return new("sandbox", CheckLevel.Ok, $"started a sandbox with seccomp, no_new_privs and no capabilities in {sw.Elapsed.TotalMilliseconds:F0} ms");
        }
        catch (WardenException ex)
        {
            return new("sandbox", CheckLevel.Fail, ex.Message, "fix the failures above");
        }
    }

    private static long? ReadLong(string path) =>
        ReadText(path) is { } t && long.TryParse(t.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    private static string? ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }
}
