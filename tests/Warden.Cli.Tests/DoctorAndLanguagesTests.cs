namespace Warden.Cli.Tests;

public sealed class DoctorAndLanguagesTests
{
    [Fact]
    public async Task Doctor_OnThisHost_FindsEveryLayerAndExitsZero()
    {
        var o = await CliRunner.RunAsync(null, "doctor");
        Assert.Equal(0, o.ExitCode);
        foreach (var layer in new[] { "bubblewrap", "user namespaces", "seccomp", "cgroups", "sandbox" })
            Assert.Contains($"[ok  ] {layer}:", o.Stdout);
        Assert.Contains("Warden can isolate code on this host.", o.Stdout);
    }

    [Fact]
    public async Task Languages_ListsEachAsAvailableOrNotWithAReason()
    {
        var o = await CliRunner.RunAsync(null, "languages");
        Assert.Equal(0, o.ExitCode);
        Assert.Matches(@"(?m)^python\s+available\s", o.Stdout);
        Assert.Matches(@"(?m)^sh\s+available\s", o.Stdout);
        foreach (var line in o.Stdout.Split('\n').Where(l => l.Contains("unavailable")))
            Assert.Contains(" — ", line);
    }
}
