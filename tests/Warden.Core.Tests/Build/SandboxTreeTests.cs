using System.Text.RegularExpressions;

namespace Warden.Core.Tests.Build;

/// <summary>
/// sandbox/ holds every program that runs inside a sandbox, and a newcomer finds each from
/// sandbox/README.md and docs/architecture.md: both must name every file there, and the project
/// files must take each from sandbox/ (not from a copy left elsewhere).
/// </summary>
public sealed partial class SandboxTreeTests
{
    private static readonly string Root = FindRepoRoot();

    private static IEnumerable<string> Programs() =>
        Directory.EnumerateFiles(Path.Combine(Root, "sandbox"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(Root, "sandbox"), f).Replace('\\', '/'))
            .Where(f => f is not ("README.md" or "PROTOCOLS.md"))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void EveryFileInTheSandboxTree_IsNamedByItsReadme_AndByTheArchitecturePage()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "sandbox", "README.md"));
        var architecture = File.ReadAllText(Path.Combine(Root, "docs", "architecture.md"));
        var programs = Programs().ToList();
        Assert.NotEmpty(programs);
        var notInReadme = programs.Where(p => !readme.Contains($"`{p}`", StringComparison.Ordinal)).ToList();
        var notInArchitecture = programs.Where(p => !architecture.Contains(Path.GetFileName(p), StringComparison.Ordinal)).ToList();
        Assert.Empty(notInReadme);
        Assert.Empty(notInArchitecture);
    }

    [Fact]
    public void EveryInSandboxSourceTheProjectsUse_ComesFromTheSandboxTree_AndExists()
    {
        var used = new List<string>();
        foreach (var project in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(project);
            foreach (Match m in SandboxPath().Matches(text))
            {
                var relative = m.Groups[1].Value;
                Assert.True(File.Exists(Path.Combine(Root, "sandbox", relative)), $"{Path.GetFileName(project)} names sandbox/{relative}, which does not exist");
                used.Add(relative);
            }
        }
        // Every program in the tree is built or embedded by some project.
        Assert.Empty(Programs().Except(used, StringComparer.Ordinal));
        // And no in-sandbox source is left where it used to live.
        var kernels = Path.Combine(Root, "kernels");
        Assert.False(Directory.Exists(kernels) && Directory.EnumerateFiles(kernels, "*", SearchOption.AllDirectories).Any(), "kernels/ moved to sandbox/kernels/");
        var leftInSrc = Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Where(f => Path.GetExtension(f) is ".c" or ".h" or ".py" or ".js" or ".cpp")
            .ToList();
        Assert.Empty(leftInSrc);
    }

    [GeneratedRegex(@"sandbox/([A-Za-z0-9_./-]+\.(?:cpp|c|h|py|js))\b")]
    private static partial Regex SandboxPath();

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Warden.slnx")) && Directory.Exists(Path.Combine(d.FullName, "sandbox")))
                return d.FullName;
        throw new InvalidOperationException("the repository root was not found above " + AppContext.BaseDirectory);
    }
}
