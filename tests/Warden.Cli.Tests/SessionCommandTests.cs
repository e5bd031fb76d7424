using Warden.TestSupport;
using System.Text.Json;
using Warden.Cli.Commands.Sessions;

namespace Warden.Cli.Tests;

public sealed class SessionCommandTests
{
    private const string Script = """
        # %% [markdown]
        # Not code.
        # %%
        x = 40
        print("hello")
        # %% a titled cell
        import matplotlib.pyplot as plt
        plt.plot([1, 2, 3])
        x + 2
        # %%
        1/0
        # %%
        print("never")
        """;

    [Fact]
    public async Task SessionExec_LimitFlags_AreTheSameAsRuns_AndApplyToTheKernel()
    {
        var dir = Directory.CreateTempSubdirectory("warden-cli-");
        try
        {
            var file = Path.Combine(dir.FullName, "limits.py");
            await File.WriteAllTextAsync(file, "import resource\nprint(resource.getrlimit(resource.RLIMIT_NOFILE))\n");
            var o = await CliRunner.RunAsync(null, "session", "exec", "--json", "--open-files", "100", "--pids", "40", file);
            Assert.True(o.ExitCode == 0, o.Stderr);
            using var doc = JsonDocument.Parse(o.Stdout);
            Assert.Equal("(100, 100)\n", doc.RootElement.GetProperty("cells")[0].GetProperty("outputs")[0].GetProperty("text").GetString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [HostFact(HostNeed.Matplotlib)]
    public async Task SessionExec_Json_PrintsJupyterShapedOutputsOfEveryCell_AndStopsAtTheFirstError()
    {
        var dir = Directory.CreateTempSubdirectory("warden-cli-");
        try
        {
            var file = Path.Combine(dir.FullName, "script.py");
            await File.WriteAllTextAsync(file, Script);
            var o = await CliRunner.RunAsync(null, "session", "exec", "--json", "-l", "python", file);
            Assert.True(o.ExitCode == 1, o.Stderr);
            using var doc = JsonDocument.Parse(o.Stdout);
            var cells = doc.RootElement.GetProperty("cells");
            Assert.Equal(3, cells.GetArrayLength());
            Assert.Equal("hello\n", cells[0].GetProperty("outputs")[0].GetProperty("text").GetString());
            var second = cells[1].GetProperty("outputs");
            Assert.Equal("execute_result", second[0].GetProperty("outputType").GetString());
            Assert.Equal("42", second[0].GetProperty("data").GetProperty("text/plain").GetString());
            var png = Convert.FromBase64String(second[1].GetProperty("data").GetProperty("image/png").GetString()!);
            Assert.Equal(0x89, png[0]);
            Assert.Equal("error", cells[2].GetProperty("status").GetString());
            Assert.Equal("ZeroDivisionError", cells[2].GetProperty("outputs")[0].GetProperty("ename").GetString());
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [HostFact(HostNeed.Matplotlib)]
    public async Task SessionExec_Text_PrintsOutputs_AndSavesImagesUnderOutDir()
    {
        var dir = Directory.CreateTempSubdirectory("warden-cli-");
        try
        {
            var file = Path.Combine(dir.FullName, "script.py");
            await File.WriteAllTextAsync(file, "# %%\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nprint('ok')\n# %%\n'done'\n");
            var o = await CliRunner.RunAsync(null, "session", "exec", file, "--out-dir", Path.Combine(dir.FullName, "out"));
            Assert.True(o.ExitCode == 0, o.Stderr);
            Assert.Contains("ok\n", o.Stdout, StringComparison.Ordinal);
            Assert.Contains("Out[2]: 'done'", o.Stdout, StringComparison.Ordinal);
            var png = Assert.Single(Directory.GetFiles(Path.Combine(dir.FullName, "out")));
            Assert.EndsWith(".png", png, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task SessionRepl_RunsCellsFromStdin_KeepingState()
    {
        var o = await CliRunner.RunAsync("a = 20\nfor i in range(2):\n    a += 1\n\na * 2\n!echo shell $((6 * 7))\n", "session");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("Out[3]: 44", o.Stdout, StringComparison.Ordinal);
        Assert.Contains("shell 42", o.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void PercentScript_SplitsOnPercentMarkers_SkippingMarkdownAndEmptyCells()
    {
        var cells = PercentScript.Split("import os\n# %%\n\n# %% [markdown]\n# text\n# %% title\nx = 1\n\ny = 2\n");
        Assert.Equal(new[] { "import os", "x = 1\n\ny = 2" }, cells);
    }

    [Theory]
    [InlineData("x = 1", true)]
    [InlineData("print('a:')", true)]
    [InlineData("for i in range(3):", false)]
    [InlineData("f(1,", false)]
    [InlineData("s = '''", false)]
    [InlineData("@decorator", false)]
    public void Repl_KnowsWhenALineIsACompleteCell(string line, bool complete) => Assert.Equal(complete, SessionRepl.IsComplete(line));
}
