using System.Text;
using Warden.Execution;
using Warden.Policy;
using Warden.TestSupport;
using Warden.Tests;

namespace Warden.Linux.Tests.Engine;

/// <summary>The one-shot engine end to end, through real sandboxes: languages, inputs, outputs, streaming.</summary>
[Collection(EngineCollection.Name)]
public sealed class EngineTests(EngineFixture engine)
{
    // What every Warden host has: Python, the shells, and gcc (Warden's own helper is built with it).
    [Theory]
    [InlineData("python", "print(6 * 7)")]
    [InlineData("bash", "echo $((6 * 7))")]
    [InlineData("sh", "echo $((6 * 7))")]
    [InlineData("c", "#include <stdio.h>\nint main(void){ printf(\"%d\\n\", 6 * 7); return 0; }")]
    public async Task Run_EachRequiredLanguage_PrintsItsAnswer(string language, string code)
    {
        var status = engine.Runner.Languages.Status(engine.Runner.Languages.Find(language)!);
        Assert.True(status.Available, $"{language} should be available on every Warden host (test.sh installs it): {status.Reason}");
        await RunsAndPrints42(language, code);
    }

    // Toolchains a host may lack: each row is probed (the toolchain exists and the sandbox user can
    // execute it) and skipped with the reason where it is missing. test.sh installs node, g++ and
    // rustc; Java, Go and .NET at /usr/bin/dotnet only where the operator installed them.
    [Theory]
    [HostInlineData(HostNeed.Node, "javascript", "console.log(6 * 7)")]
    [HostInlineData(HostNeed.Gpp, "cpp", "#include <iostream>\nint main(){ std::cout << 6 * 7 << std::endl; }")]
    [HostInlineData(HostNeed.Rust, "rust", "fn main() { println!(\"{}\", 6 * 7); }")]
    [HostInlineData(HostNeed.CSharp, "csharp", "System.Console.WriteLine(6 * 7);")]
    [HostInlineData(HostNeed.Java, "java", "public class Main { public static void main(String[] a) { System.out.println(6 * 7); } }")]
    [HostInlineData(HostNeed.Go, "go", "package main\nimport \"fmt\"\nfunc main() { fmt.Println(6 * 7) }")]
    public async Task Run_LanguageWithItsToolchainInstalled_PrintsItsAnswer(string language, string code) =>
        await RunsAndPrints42(language, code);

    private async Task RunsAndPrints42(string language, string code)
    {
        var (r, marker) = await engine.RunAsync(language, code, new LimitsRequest { TimeoutMs = 60_000 });
        Assert.True(r.Reason == RunReason.Exited, $"{r.Reason}: {r.Message} {r.Diagnostic} {r.Stderr} {r.Compile?.Stderr}");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("42\n", r.Stdout);
        if (engine.Runner.Languages.Find(language)!.Compile is not null)
        {
            Assert.NotNull(r.Compile);
            Assert.Equal(RunReason.Exited, r.Compile!.Reason);
        }
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_UnknownLanguage_IsAClearErrorNotAResult()
    {
        var ex = await Assert.ThrowsAsync<LanguageUnavailableException>(() => engine.Runner.RunAsync(new RunRequest { Language = "cobol-9000", Code = "x" }));
        Assert.Contains("Unknown language 'cobol-9000'", ex.Message);
        Assert.Contains("python", ex.Message);
    }

    [Fact]
    public async Task Run_MissingToolchain_SaysWhy()
    {
        // Independent of what this host has installed: a Go whose compiler is nowhere.
        var go = Warden.Languages.LanguageRegistry.BuiltIn().Single(d => d.Id == "go") with { Requires = ["/nonexistent/warden-test/go"] };
        var runner = new Runner(engine.Backend, new Warden.Languages.LanguageRegistry([go], engine.Backend.CanExecute));
        Assert.False(runner.Languages.Status(go).Available);
        var ex = await Assert.ThrowsAsync<LanguageUnavailableException>(() => runner.RunAsync(new RunRequest { Language = "go", Code = "package main" }));
        Assert.Contains("/nonexistent/warden-test/go is not installed", ex.Message);
    }

    [Fact]
    public async Task Run_CompileError_ComesBackWithTheCompilerOutput()
    {
        var (r, marker) = await engine.RunAsync("c", "int main(void) { return undefined_thing; }");
        Assert.Equal(RunReason.CompileError, r.Reason);
        Assert.Null(r.ExitCode);
        Assert.NotNull(r.Compile);
        Assert.Contains("undefined_thing", r.Compile!.Stderr);
        Assert.Equal(1, r.Compile.ExitCode);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_ExitCodeAndStderr_AreThePrograms()
    {
        var (r, _) = await engine.RunAsync("python", "import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(7)");
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Equal(7, r.ExitCode);
        Assert.Null(r.Signal);
        Assert.Equal("out\n", r.Stdout);
        Assert.Equal("err\n", r.Stderr);
    }

    [Fact]
    public async Task Run_ExitCode137_IsNotMistakenForASignal()
    {
        var (r, _) = await engine.RunAsync("sh", "exit 137");
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.Equal(137, r.ExitCode);
        Assert.Null(r.Signal);
    }

    [Fact]
    public async Task Run_Segfault_IsSignaledWithTheSignalName()
    {
        var (r, _) = await engine.RunAsync("c", "int main(void){ *(volatile int*)0 = 1; return 0; }");
        Assert.Equal(RunReason.Signaled, r.Reason);
        Assert.Equal("SIGSEGV", r.Signal);
        Assert.Null(r.ExitCode);
    }

    [Fact]
    public async Task Run_StdinEnvAndArgs_ReachTheProgram()
    {
        var r = await engine.Runner.RunAsync(new RunRequest
        {
            Language = "python",
            Code = "import sys, os\nprint(sys.stdin.read().upper(), os.environ['GREETING'], sys.argv[1:])",
            Stdin = "hello",
            Env = new Dictionary<string, string> { ["GREETING"] = "héllo wörld" },
            Args = ["a b", "$(x)"],
        });
        Assert.Equal("HELLO héllo wörld ['a b', '$(x)']\n", r.Stdout);
    }

    [Fact]
    public async Task Run_InputFiles_ArePlacedInTheWorkspace()
    {
        var r = await engine.Runner.RunAsync(new RunRequest
        {
            Language = "python",
            Files =
            [
                new InputFile { Path = "main.py", Content = "import helper, os\nprint(helper.X, open('data/in.bin','rb').read(), os.access('run.sh', os.X_OK))" },
                new InputFile { Path = "helper.py", Content = "X = 41 + 1" },
                new InputFile { Path = "data/in.bin", ContentBase64 = Convert.ToBase64String([0, 1, 2]) },
                new InputFile { Path = "run.sh", Content = "#!/bin/sh\n", Executable = true },
            ],
        });
        Assert.Equal("42 b'\\x00\\x01\\x02' True\n", r.Stdout);
    }

    [HostFact(HostNeed.Numpy, HostNeed.Matplotlib)]
    public async Task Run_NumpyAndMatplotlib_SaveAPngThatIsCollected()
    {
        const string code = """
            import numpy as np
            import matplotlib
            import matplotlib.pyplot as plt
            x = np.linspace(0, 2 * np.pi, 100)
            plt.plot(x, np.sin(x))
            plt.savefig('/workspace/plot.png')
            print(matplotlib.get_backend(), np.__version__ > '1')
            """;
        var (r, marker) = await engine.RunAsync("python", code, new LimitsRequest { TimeoutMs = 60_000 }, collect: ["*.png"]);
        Assert.True(r.Reason == RunReason.Exited, r.Stderr);
        Assert.Equal("agg true\n", r.Stdout.ToLowerInvariant());
        var png = Assert.Single(r.Files);
        Assert.Equal("plot.png", png.Path);
        var bytes = Convert.FromBase64String(png.ContentBase64!);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.True(bytes.Length > 5_000, $"PNG of {bytes.Length} bytes");
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Run_Collect_NeverFollowsSymlinksAndSkipsOversizedFiles()
    {
        const string code = """
            import os
            os.symlink('/etc/passwd', '/workspace/link.txt')
            os.mkfifo('/workspace/fifo.txt')
            open('/workspace/big.txt', 'w').write('x' * (3 << 20))
            open('/workspace/ok.txt', 'w').write('fine')
            """;
        var r = await engine.Runner.RunAsync(new RunRequest { Language = "python", Code = code, Collect = ["*.txt"] });
        Assert.Equal(RunReason.Exited, r.Reason);
        Assert.DoesNotContain(r.Files, f => f.Path is "link.txt" or "fifo.txt");
        Assert.Equal("fine", Encoding.UTF8.GetString(Convert.FromBase64String(r.Files.Single(f => f.Path == "ok.txt").ContentBase64!)));
        Assert.Contains(r.Files, f => f.Path == "big.txt");
    }

    [Fact]
    public async Task Stream_YieldsOutputAsProducedAndTheResultLast()
    {
        var events = new List<RunEvent>();
        await foreach (var e in engine.Runner.StreamAsync(new RunRequest
        {
            Language = "python",
            Code = "import time, sys\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.2)\nprint('e', file=sys.stderr)",
        }))
            events.Add(e);
        Assert.IsType<RunStarted>(events[0]);
        var outputs = events.OfType<RunOutput>().ToList();
        Assert.True(outputs.Count(o => o.Stream == "stdout") >= 3, "output arrived in one piece, not as produced");
        Assert.Equal("0\n1\n2\n", string.Concat(outputs.Where(o => o.Stream == "stdout").Select(o => o.Text)));
        var done = Assert.IsType<RunCompleted>(events[^1]);
        Assert.Equal("e\n", done.Result.Stderr);
    }

    [Fact]
    public async Task Run_InvalidUtf8Output_IsReplacedNotFatal()
    {
        var (r, _) = await engine.RunAsync("python", "import sys\nsys.stdout.buffer.write(b'ok \\xff\\xfe end\\n')");
        Assert.Equal("ok \uFFFD\uFFFD end\n", r.Stdout);
    }

    [Fact]
    public async Task Run_ReportsResourceUse()
    {
        var (r, _) = await engine.RunAsync("python", "x = b'x' * (50 * 1024 * 1024)\nsum(range(3_000_000))");
        Assert.True(r.PeakMemoryBytes > 40L << 20, $"peak {r.PeakMemoryBytes}");
        Assert.True(r.CpuMs > 10);
        Assert.True(r.WallMs > 0);
        Assert.Equal("cold", r.Path);
    }
}
