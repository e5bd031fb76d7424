using System.Diagnostics;

namespace Warden.Core.Tests.Build;

/// <summary>
/// scripts/npm-audit.sh, which ./test.sh runs: every package-lock.json of the tree is audited, high
/// and critical advisories fail, and an audit that cannot get advice warns without failing. The
/// registry these machines reach has no audit endpoint (npm answers 405), so npm's answers are
/// played by a stand-in `npm` first on PATH that prints what `npm audit --json` prints in each case.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NpmAuditScriptTests
{
    private static readonly string Script = Path.Combine(FindRepoRoot(), "scripts", "npm-audit.sh");

    [Fact]
    public void TestSh_RunsTheNpmAuditStep()
    {
        var testSh = File.ReadAllText(Path.Combine(FindRepoRoot(), "test.sh"));
        Assert.Contains("scripts/npm-audit.sh", testSh);
        Assert.True(testSh.IndexOf("npm-audit.sh", StringComparison.Ordinal) < testSh.IndexOf("dotnet test", StringComparison.Ordinal));
    }

    [Fact]
    public void NoLockfile_SaysThereIsNothingToAudit()
    {
        using var tree = new Tree(npmJson: null);
        var (code, output) = tree.Run();
        Assert.Equal(0, code);
        Assert.Contains("no package-lock.json", output);
    }

    [Fact]
    public void HighAdvisory_Fails_AndNamesTheLockfile()
    {
        using var tree = new Tree("""{"auditReportVersion": 2, "vulnerabilities": {}, "metadata": {"vulnerabilities": {"info": 0, "low": 1, "moderate": 0, "high": 2, "critical": 0, "total": 3}}}""");
        tree.Lockfile("kernels/node");
        var (code, output) = tree.Run();
        Assert.Equal(1, code);
        Assert.Contains("kernels/node/package-lock.json: 2 high or critical advisories", output);
    }

    [Fact]
    public void OnlyLowAdvisories_Pass()
    {
        using var tree = new Tree("""{"metadata": {"vulnerabilities": {"low": 4, "moderate": 1, "high": 0, "critical": 0, "total": 5}}}""");
        tree.Lockfile("web");
        var (code, output) = tree.Run();
        Assert.Equal(0, code);
        Assert.Contains("no high or critical advisories (5 advisories in all)", output);
    }

    [Fact]
    public void RegistryWithoutAuditData_WarnsThatNothingWasAudited_AndDoesNotFail()
    {
        using var tree = new Tree("""{"message": "405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk", "statusCode": 405, "error": {"summary": "", "detail": ""}}""", npmExit: 1);
        tree.Lockfile("web");
        var (code, output) = tree.Run();
        Assert.Equal(0, code);
        Assert.Contains("WARNING", output);
        Assert.Contains("was NOT audited: 405 Method Not Allowed", output);
    }

    /// <summary>A directory tree with lockfiles, and a stand-in npm printing <c>npmJson</c>.</summary>
    private sealed class Tree : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("warden-npm-audit-");

        public Tree(string? npmJson, int npmExit = 0)
        {
            Directory.CreateDirectory(Path.Combine(_dir.FullName, "bin"));
            Directory.CreateDirectory(Path.Combine(_dir.FullName, "repo"));
            var npm = Path.Combine(_dir.FullName, "bin", "npm");
            File.WriteAllText(Path.Combine(_dir.FullName, "answer.json"), npmJson ?? "{}");
            File.WriteAllText(npm, $"#!/bin/sh\n[ \"$1\" = audit ] || exit 2\ncat '{Path.Combine(_dir.FullName, "answer.json")}'\nexit {npmExit}\n");
            File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        public void Lockfile(string relativeDir)
        {
            var d = Path.Combine(_dir.FullName, "repo", relativeDir);
            Directory.CreateDirectory(d);
            File.WriteAllText(Path.Combine(d, "package-lock.json"), """{"lockfileVersion": 3, "packages": {}}""");
            // A lockfile inside node_modules is a dependency's, not ours: never audited.
            Directory.CreateDirectory(Path.Combine(d, "node_modules", "dep"));
            File.WriteAllText(Path.Combine(d, "node_modules", "dep", "package-lock.json"), "{}");
        }

        public (int Code, string Output) Run()
        {
            var psi = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(Script);
            psi.ArgumentList.Add(Path.Combine(_dir.FullName, "repo"));
            psi.Environment["PATH"] = Path.Combine(_dir.FullName, "bin") + ":/usr/bin:/bin";
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(60_000), "npm-audit.sh did not finish");
            var output = stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult();
            Assert.DoesNotContain("node_modules", output);
            return (p.ExitCode, output);
        }

        public void Dispose() => _dir.Delete(recursive: true);
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Warden.slnx")) && File.Exists(Path.Combine(d.FullName, "test.sh")))
                return d.FullName;
        throw new InvalidOperationException("the repository root was not found above " + AppContext.BaseDirectory);
    }
}
