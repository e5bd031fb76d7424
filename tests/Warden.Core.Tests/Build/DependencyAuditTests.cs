using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Warden.Core.Tests.Build;

/// <summary>
/// Dependency auditing is part of the build (SECURITY.md): the repository's Directory.Build.props
/// makes NuGet check every package on restore and fail on a high or critical advisory, and a
/// registry that cannot be reached for advisory data only warns. Proven with a real
/// <c>dotnet restore</c> of a small project that imports the repository's props, against an
/// advisory source served on loopback by the test (the registry these machines reach is a mirror
/// without advisory data, so nuget.org's own cannot be used here).
/// </summary>
public sealed class DependencyAuditTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    [Fact]
    public void BuildProps_EnableNuGetAuditOfEveryPackage_HighAdvisoriesAsErrors()
    {
        var props = XDocument.Load(Path.Combine(RepoRoot, "Directory.Build.props"));
        string Value(string name) => props.Descendants(name).Single().Value;
        Assert.Equal("true", Value("NuGetAudit"));
        Assert.Equal("all", Value("NuGetAuditMode"));
        Assert.Equal("high", Value("NuGetAuditLevel"));
        Assert.Contains("NU1903", Value("WarningsAsErrors").Split(';'));
        Assert.Contains("NU1904", Value("WarningsAsErrors").Split(';'));
        // This very project was restored that way.
        var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot, "tests/Warden.Core.Tests/obj/project.assets.json")));
        var audit = assets.RootElement.GetProperty("project").GetProperty("restore").GetProperty("restoreAuditProperties");
        Assert.Equal(("true", "high", "all"), (audit.GetProperty("enableAudit").GetString(), audit.GetProperty("auditLevel").GetString(), audit.GetProperty("auditMode").GetString()));
    }

    [Fact]
    public async Task Restore_PackageWithAHighAdvisory_FailsTheBuild_AndAnUnreachableAdvisorySourceOnlyWarns()
    {
        var dir = Directory.CreateTempSubdirectory("warden-audit-");
        var port = FreePort();
        try
        {
            // xunit.abstractions is already in the global packages folder (the tests depend on it):
            // restore needs no registry for the package itself, only the advisory source.
            File.WriteAllText(Path.Combine(dir.FullName, "Directory.Build.props"),
                $"""<Project><Import Project="{Path.Combine(RepoRoot, "Directory.Build.props")}" /></Project>""");
            File.WriteAllText(Path.Combine(dir.FullName, "probe.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
                  <ItemGroup><PackageReference Include="xunit.abstractions" Version="2.0.3" /></ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(dir.FullName, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <auditSources>
                    <clear />
                    <add key="test-advisories" value="http://127.0.0.1:{port}/index.json" allowInsecureConnections="true" />
                  </auditSources>
                </configuration>
                """);

            using (var server = AdvisorySource(port, "xunit.abstractions", severity: 2))
            {
                var (code, output) = await RestoreAsync(dir.FullName, Path.Combine(dir.FullName, "http-cache-1"));
                Assert.True(code != 0, output);
                Assert.Contains("error NU1903", output);
                Assert.Contains("xunit.abstractions", output);
            }

            // Nothing listens any more: restore warns that it could not audit, and succeeds.
            var (offline, offlineOutput) = await RestoreAsync(dir.FullName, Path.Combine(dir.FullName, "http-cache-2"));
            Assert.True(offline == 0, offlineOutput);
            Assert.Contains("warning NU1900", offlineOutput);
            Assert.DoesNotContain("error NU", offlineOutput, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RestoreAsync(string dir, string httpCache)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "restore", "probe.csproj", "--nologo", "-v", "quiet" }) psi.ArgumentList.Add(a);
        psi.Environment["NUGET_HTTP_CACHE_PATH"] = httpCache; // no advisory data cached from an earlier run
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            throw;
        }
        return (p.ExitCode, await stdout + await stderr);
    }

    /// <summary>A NuGet V3 service index with only a VulnerabilityInfo resource, listing one advisory for every version of <paramref name="package"/>.</summary>
    private static HttpListener AdvisorySource(int port, string package, int severity)
    {
        var root = $"http://127.0.0.1:{port}/";
        var files = new Dictionary<string, string>
        {
            ["/index.json"] = $$"""{"version": "3.0.0", "resources": [{"@id": "{{root}}vulnerabilities/index.json", "@type": "VulnerabilityInfo/6.7.0"}]}""",
            ["/vulnerabilities/index.json"] = $$"""
                [{"@name": "base", "@id": "{{root}}vulnerabilities/base.json", "@updated": "2026-01-01T00:00:00Z"},
                 {"@name": "update", "@id": "{{root}}vulnerabilities/update.json", "@updated": "2026-01-01T00:00:00Z"}]
                """,
            ["/vulnerabilities/base.json"] = $$"""{"{{package}}": [{"severity": {{severity}}, "url": "https://example.invalid/advisory", "versions": "(, 999.0.0)"}]}""",
            ["/vulnerabilities/update.json"] = "{}",
        };
        var listener = new HttpListener();
        listener.Prefixes.Add(root);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext c;
                try
                {
                    c = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                var body = files.TryGetValue(c.Request.Url!.AbsolutePath, out var text) ? Encoding.UTF8.GetBytes(text) : null;
                c.Response.StatusCode = body is null ? 404 : 200;
                c.Response.ContentType = "application/json";
                if (body is not null) await c.Response.OutputStream.WriteAsync(body);
                c.Response.Close();
            }
        });
        return listener;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Warden.slnx")) && File.Exists(Path.Combine(d.FullName, "Directory.Build.props")))
                return d.FullName;
        throw new InvalidOperationException("the repository root (Warden.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
