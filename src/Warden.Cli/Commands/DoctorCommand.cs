using System.CommandLine;
using Warden.Linux;
using Warden.Linux.Isolation;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden doctor</c>: checks every layer of isolation on this host, prints what is missing
/// with the exact fix, and exits non-zero when a required layer is missing.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var cmd = new Command("doctor", "Check that this host can isolate code, and say how to fix it if not.");
        cmd.SetAction(async (parse, ct) =>
        {
            await using var engine = WardenEngine.Create();
            var options = engine.Backend.Options;
            var checks = HostProbe.StaticChecks(options).ToList();
            checks.Add(HostProbe.CgroupCheck(options));
            if (checks.All(c => c.Level != CheckLevel.Fail || !c.Required))
                checks.Add(await HostProbe.SmokeTest(engine.Backend));
            var registry = engine.Languages;
            foreach (var d in registry.Definitions)
            {
                var s = registry.Status(d);
                checks.Add(new HostCheck("language " + d.Id, s.Available ? CheckLevel.Ok : CheckLevel.Warn,
                    s.Available ? d.Name : s.Reason!, s.Available ? null : ToolchainFix(d.Id), Required: false));
            }
            foreach (var c in checks)
            {
                var mark = c.Level switch { CheckLevel.Ok => "ok  ", CheckLevel.Warn => "warn", _ => "FAIL" };
                Console.Out.WriteLine($"[{mark}] {c.Name}: {c.Detail}");
                if (c.Level != CheckLevel.Ok && c.Fix is not null) Console.Out.WriteLine($"       fix: {c.Fix}");
            }
            var failed = checks.Where(c => c.Level == CheckLevel.Fail && c.Required).ToList();
            Console.Out.WriteLine(failed.Count == 0
                ? "Warden can isolate code on this host."
                : $"Warden will refuse to run code until {failed.Count} problem(s) above are fixed.");
            return failed.Count == 0 ? 0 : 1;
        });
        return cmd;
    }

    private static string ToolchainFix(string id)
    {
        var pkg = id switch
        {
            "python" => "python3", "javascript" => "nodejs", "c" => "gcc libc6-dev", "cpp" => "g++",
            "java" => "default-jdk-headless", "go" => "golang-go", "rust" => "rustc", "csharp" => "dotnet-sdk (Microsoft's package feed)",
            _ => id,
        };
        return (Linux.Native.Libc.geteuid() == 0 ? "apt-get install -y " : "sudo apt-get install -y ") + pkg;
    }
}
