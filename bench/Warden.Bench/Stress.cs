using Warden.Execution;
using Warden.Linux;

namespace Warden.Bench;

/// <summary>Runs many sandboxes of mixed languages back to back and reports any that failed (a soak test).</summary>
internal static class Stress
{
    public static async Task RunAsync(int n)
    {
        await using var engine = WardenEngine.Create();
        var runner = engine.Runner;
        (string, string)[] programs =
        [
            ("python", "print(1)"), ("javascript", "console.log(1)"), ("bash", "echo 1"), ("sh", "echo 1"),
            ("c", "#include <stdio.h>\nint main(){puts(\"1\");}"), ("cpp", "#include <cstdio>\nint main(){std::puts(\"1\");}"),
        ];
        var fails = 0;
        for (var i = 0; i < n; i++)
        {
            var (lang, code) = programs[i % programs.Length];
            var r = await runner.RunAsync(new RunRequest { Language = lang, Code = code });
            if (r.Reason != RunReason.Exited || r.Stdout != "1\n")
            {
                fails++;
                Console.WriteLine($"{i} {lang}: {r.Reason} {r.Diagnostic} {r.Stderr}");
            }
        }
        Console.WriteLine($"failures: {fails}/{n}");
    }
}
