using System.Diagnostics;

namespace Warden.Cli.Tests;

/// <summary>Runs the real `warden` program (built next to the tests) as a child process.</summary>
internal static class CliRunner
{
    public sealed record Output(int ExitCode, string Stdout, string Stderr);

    public static async Task<Output> RunAsync(string? stdin, params string[] args)
    {
        using var p = Start(args);
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        return new Output(p.ExitCode, await o, await e);
    }

    /// <summary>Starts `warden` with <paramref name="args"/>, its standard streams redirected.</summary>
    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "warden.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>
    /// The cgroup directories the `warden` process <paramref name="pid"/> made (its backends' parents
    /// are named <c>warden/p&lt;pid&gt;-&lt;start time&gt;-&lt;n&gt;</c> in every hierarchy, v1 or v2).
    /// </summary>
    public static List<string> CgroupsOf(int pid)
    {
        var found = new List<string>();
        foreach (var root in new[] { "/sys/fs/cgroup/warden" }.Concat(
            Directory.Exists("/sys/fs/cgroup") ? Directory.GetDirectories("/sys/fs/cgroup").Select(d => Path.Combine(d, "warden")) : []))
        {
            if (Directory.Exists(root)) found.AddRange(Directory.GetDirectories(root, $"p{pid}-*"));
        }
        return found;
    }
}
