using System.Text.RegularExpressions;

namespace Warden.Cli.Tests;

/// <summary>
/// docs/cli.md must describe the command that ships: every command `warden --help` lists and
/// every option of `warden run`. And the docs stand alone: none cites a design note that is not
/// in this repository.
/// </summary>
public sealed partial class CliDocsTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Warden.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return dir.FullName;
    }

    private static string CliDoc() => File.ReadAllText(Path.Combine(RepoRoot(), "docs", "cli.md"));

    [Fact]
    public async Task CliDoc_DescribesEveryCommandTheHelpLists()
    {
        var help = await CliRunner.RunAsync(null, "--help");
        Assert.Equal(0, help.ExitCode);
        var commands = help.Stdout.Split('\n')
            .SkipWhile(l => !l.StartsWith("Commands:", StringComparison.Ordinal)).Skip(1)
            .Select(l => CommandLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("run", commands);
        Assert.Contains("eval", commands);
        var doc = CliDoc();
        Assert.All(commands, c => Assert.Contains($"`warden {c}", doc, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("eval")]
    [InlineData("check")]
    [InlineData("sql")]
    public async Task CliDoc_NamesEveryOptionOfTheCommand(string command)
    {
        var help = await CliRunner.RunAsync(null, command, "--help");
        Assert.Equal(0, help.ExitCode);
        var options = LongOption().Matches(help.Stdout).Select(m => m.Value).Distinct()
            .Where(o => o is not "--help" and not "--version").ToList();
        Assert.NotEmpty(options);
        var doc = CliDoc();
        Assert.All(options, o => Assert.Matches($"`[^`\\n]*{Regex.Escape(o)}(?![a-z-])", doc));
    }

    [Fact]
    public void Docs_StandAlone_CitingNoDesignNoteOutsideTheRepository()
    {
        var root = RepoRoot();
        var files = Directory.GetFiles(Path.Combine(root, "docs"), "*.md")
            .Append(Path.Combine(root, "README.md")).Append(Path.Combine(root, "SECURITY.md"));
        foreach (var f in files)
        {
            var text = File.ReadAllText(f);
            Assert.DoesNotMatch(@"\b(DESIGN|USERS|LESSONS|STYLE|MEASUREMENTS)\.md\b", text);
        }
    }

    [GeneratedRegex(@"^\s{2}([a-z][a-z-]*)\b")]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z-]*")]
    private static partial Regex LongOption();
}
