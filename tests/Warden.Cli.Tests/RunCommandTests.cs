using System.Text.Json;

namespace Warden.Cli.Tests;

public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_CodeFlag_PrintsOutputAndMirrorsTheExitCode()
    {
        var o = await CliRunner.RunAsync(null, "run", "-l", "python", "-c", "print('hi'); raise SystemExit(3)");
        Assert.Equal("hi\n", o.Stdout);
        Assert.Equal(3, o.ExitCode);
    }

    [Fact]
    public async Task Run_File_PicksTheLanguageFromTheExtension()
    {
        var dir = Directory.CreateTempSubdirectory("warden-cli-");
        try
        {
            var file = Path.Combine(dir.FullName, "prog.sh");
            await File.WriteAllTextAsync(file, "echo from file; exit 4");
            var o = await CliRunner.RunAsync(null, "run", file);
            Assert.Equal("from file\n", o.Stdout);
            Assert.Equal(4, o.ExitCode);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task Run_CodeFromStdinWithoutLanguage_IsDetected()
    {
        var o = await CliRunner.RunAsync("print(1)\n", "run");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Equal("1\n", o.Stdout);
    }

    [Fact]
    public async Task Run_AmbiguousCodeWithoutLanguage_Exits2ListingTheCandidates()
    {
        var o = await CliRunner.RunAsync("x = 1\n", "run");
        Assert.Equal(2, o.ExitCode);
        Assert.Equal("", o.Stdout);
        Assert.Contains("python", o.Stderr);
        Assert.Contains("javascript", o.Stderr);
        Assert.Contains("candidates", o.Stderr);
    }

    [Fact]
    public async Task Run_ExtensionlessFileWithShebang_RunsAndSaysHowItWasChosen()
    {
        var dir = Directory.CreateTempSubdirectory("warden-cli-");
        try
        {
            var file = Path.Combine(dir.FullName, "tool");
            await File.WriteAllTextAsync(file, "#!/usr/bin/env python3\nimport sys\nprint(sys.version_info[0])\n");
            var o = await CliRunner.RunAsync(null, "run", "--json", file);
            Assert.True(o.ExitCode == 0, o.Stdout + o.Stderr);
            using var doc = JsonDocument.Parse(o.Stdout);
            Assert.Equal("python", doc.RootElement.GetProperty("language").GetString());
            Assert.Equal("shebang", doc.RootElement.GetProperty("languageSource").GetString());
            Assert.Equal("3\n", doc.RootElement.GetProperty("stdout").GetString());
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task Run_ForkBombThatExitsZero_JsonListsPidsAndHumanOutputSaysSo()
    {
        const string bomb = ":(){ :|:& };:; sleep 2";
        var o = await CliRunner.RunAsync(null, "run", "--json", "-l", "bash", "--pids", "32", "-c", bomb);
        using var doc = JsonDocument.Parse(o.Stdout);
        Assert.Equal("exited", doc.RootElement.GetProperty("reason").GetString());
        Assert.Contains("pids", doc.RootElement.GetProperty("limitsReached").EnumerateArray().Select(e => e.GetString()));
        var human = await CliRunner.RunAsync(null, "run", "-l", "bash", "--pids", "32", "-c", bomb);
        Assert.Contains("warden: limits reached during the run: pids", human.Stderr);
    }

    [Fact]
    public async Task Run_CodeFromStdin_Runs()
    {
        var o = await CliRunner.RunAsync("print(40 + 2)\n", "run", "-l", "python");
        Assert.Equal("42\n", o.Stdout);
        Assert.Equal(0, o.ExitCode);
    }

    [Fact]
    public async Task Run_Json_PrintsTheResultContract()
    {
        var o = await CliRunner.RunAsync(null, "run", "--json", "-l", "python", "-c", "print(1)");
        using var doc = JsonDocument.Parse(o.Stdout);
        Assert.Equal("exited", doc.RootElement.GetProperty("reason").GetString());
        Assert.Equal("1\n", doc.RootElement.GetProperty("stdout").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal(0, o.ExitCode);
    }

    [Fact]
    public async Task Run_Timeout_Exits124AndSaysWhy()
    {
        var o = await CliRunner.RunAsync(null, "run", "-l", "sh", "-t", "0.5", "-c", "sleep 10");
        Assert.Equal(124, o.ExitCode);
        Assert.Contains("warden: timeout:", o.Stderr);
    }

    [Fact]
    public async Task Run_EveryLimitFlag_IsApplied()
    {
        var o = await CliRunner.RunAsync(null, "run", "--json", "-l", "python", "--timeout", "7", "--memory", "200m", "--pids", "20", "--cpus", "0.5", "--output", "64k", "--disk", "8", "--open-files", "100",
            "-c", "import resource; print(resource.getrlimit(resource.RLIMIT_NOFILE))");
        using var doc = JsonDocument.Parse(o.Stdout);
        var l = doc.RootElement.GetProperty("limits");
        Assert.Equal(7000, l.GetProperty("timeoutMs").GetInt32());
        Assert.Equal(200, l.GetProperty("memoryMb").GetInt32());
        Assert.Equal(20, l.GetProperty("pids").GetInt32());
        Assert.Equal(0.5, l.GetProperty("cpus").GetDouble());
        Assert.Equal(65536, l.GetProperty("outputBytes").GetInt64());
        Assert.Equal(8, l.GetProperty("diskMb").GetInt32());
        Assert.Equal(100, l.GetProperty("openFiles").GetInt32());
        // Applied in the sandbox, not only echoed: the program's RLIMIT_NOFILE is the flag's.
        Assert.Equal("(100, 100)\n", doc.RootElement.GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task Run_Env_ReachesOnlyWhatIsNamed()
    {
        var o = await CliRunner.RunAsync(null, "run", "-l", "sh", "-e", "A=1", "-e", "B=two words", "-c", "echo \"$A|$B|${HOME}|${USER:-none}\"");
        Assert.Equal("1|two words|/workspace|none\n", o.Stdout);
    }

    [Theory]
    [InlineData("--memory", "-5")]
    [InlineData("--pids", "0")]
    [InlineData("--timeout", "-1")]
    public async Task Run_BadLimit_IsAClearUsageError(string flag, string value)
    {
        var o = await CliRunner.RunAsync(null, "run", "-l", "python", flag, value, "-c", "print(1)");
        Assert.Equal(2, o.ExitCode);
        Assert.StartsWith("warden: ", o.Stderr);
        Assert.DoesNotContain("   at ", o.Stderr);
    }

    [Fact]
    public async Task Run_CheckBlock_RefusesObfuscatedCodeWithFindings()
    {
        var o = await CliRunner.RunAsync(null, "run", "--check", "block", "-l", "python", "-c", "import os as o\no.system('id')");
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("py.process-exec", o.Stderr);
        Assert.Equal("", o.Stdout);
    }

    [Fact]
    public async Task Run_CheckWarn_RunsAndReportsFindings()
    {
        var o = await CliRunner.RunAsync(null, "run", "--json", "--check", "warn", "-l", "python", "-c", "import os as o\nprint(o.getcwd())");
        using var doc = System.Text.Json.JsonDocument.Parse(o.Stdout);
        Assert.Equal("/workspace\n", doc.RootElement.GetProperty("stdout").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, doc.RootElement.GetProperty("findings").ValueKind);
    }

    [Fact]
    public async Task Run_UnknownFlag_IsAUsageError()
    {
        var o = await CliRunner.RunAsync(null, "run", "--no-such-flag", "-l", "python", "-c", "print(1)");
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("--no-such-flag", o.Stderr);
    }

    [Fact]
    public async Task Run_UnsafeMode_ReportsThePythonResult()
    {
        var o = await CliRunner.RunAsync(null, "run", "--unsafe-no-isolation", "-l", "python", "-c", "print(1)");
        Assert.Equal(0, o.ExitCode);
        Assert.Equal("1\n", o.Stdout);
    }

    [Fact]
    public async Task Run_UnknownLanguage_IsAClearUsageError()
    {
        var o = await CliRunner.RunAsync(null, "run", "-l", "klingon", "-c", "x");
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("Unknown language 'klingon'", o.Stderr);
        Assert.DoesNotContain("   at ", o.Stderr);
    }

    [Fact]
    public async Task Run_Collect_WritesFilesIntoOutDirAndNeverOverwrites()
    {
        var dir = Directory.CreateTempSubdirectory("warden-cli-out-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "keep.txt"), "host file");
            var o = await CliRunner.RunAsync(null, "run", "-l", "sh", "--collect", "*.txt", "--out-dir", dir.FullName,
                "-c", "echo new > new.txt; echo evil > keep.txt");
            Assert.Equal("new\n", await File.ReadAllTextAsync(Path.Combine(dir.FullName, "new.txt")));
            Assert.Equal("host file", await File.ReadAllTextAsync(Path.Combine(dir.FullName, "keep.txt")));
            Assert.Contains("not overwriting", o.Stderr);
            Assert.Equal(0, o.ExitCode);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task Run_UnsafeMode_WarnsLoudly()
    {
        var o = await CliRunner.RunAsync(null, "run", "--unsafe-no-isolation", "-l", "sh", "-c", "echo x");
        Assert.Contains("WITHOUT ANY SANDBOX", o.Stderr);
        Assert.Equal("x\n", o.Stdout);
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetTempPath(), "warden-unsafe-*"), d => Directory.GetCreationTimeUtc(d) > DateTime.UtcNow.AddMinutes(-1));
    }
}

public sealed class RunCommandCleanupTests
{
    [Fact]
    public async Task Run_LeavesNoCgroupBehind_OnceItHasExited()
    {
        using var p = CliRunner.Start("run", "-l", "sh", "-c", "echo hi");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        Assert.True(p.ExitCode == 0, await stderr);
        Assert.Equal("hi\n", await stdout);
        Assert.Empty(CliRunner.CgroupsOf(p.Id));
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Run_Interrupted_KillsTheSandboxExits130_AndLeavesNoProcessOrCgroup(string signal)
    {
        var marker = Guid.NewGuid().ToString("N");
        using var p = CliRunner.Start("run", "-l", "sh", "--timeout", "60", "--env", $"{Warden.TestSupport.Leftovers.MarkerVariable}={marker}",
            "-c", "echo started; sleep 60; echo not-interrupted");
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        var first = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(first == "started", $"first line: {first}; stderr: {(p.HasExited ? await stderr : "")}");
        Assert.NotEmpty(Warden.TestSupport.Leftovers.ProcessesWithMarker(marker));
        using (var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        var rest = await p.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(130, p.ExitCode);
        Assert.DoesNotContain("not-interrupted", rest);
        Assert.Contains("warden: interrupted.", await stderr);
        Assert.Empty(Warden.TestSupport.Leftovers.ProcessesWithMarker(marker));
        Assert.Empty(CliRunner.CgroupsOf(p.Id));
    }
}
