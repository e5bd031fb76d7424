using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Warden.Cli.Tests;

/// <summary>The README's main job: `warden serve`, `warden keys create`, and the curl call it prints.</summary>
public sealed partial class ServeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wdn-cli-").FullName;

    [Fact]
    public async Task Keys_Create_PrintsOnlyTheKey_AndRefusesUnknownRoles()
    {
        var data = Path.Combine(_dir, "data");
        var created = await CliRunner.RunAsync(null, "keys", "create", "--role", "user", "--data", data);
        Assert.Equal(0, created.ExitCode);
        Assert.Matches("^wdn_[0-9a-f]{10}_[A-Za-z0-9_-]{43}\n$", created.Stdout);
        var list = await CliRunner.RunAsync(null, "keys", "list", "--data", data);
        Assert.Contains(created.Stdout[4..14], list.Stdout);
        Assert.DoesNotContain(created.Stdout.Trim(), list.Stdout);
        var bad = await CliRunner.RunAsync(null, "keys", "create", "--role", "root", "--data", data);
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public async Task Serve_AnswersTheCallItPrints_AndStopsCleanlyOnSigterm()
    {
        var data = Path.Combine(_dir, "data");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "warden.dll"), "serve", "--urls", "http://127.0.0.1:0", "--data", data }) psi.ArgumentList.Add(a);
        using var server = Process.Start(psi)!;
        var stderr = new StringBuilder();
        var listening = new TaskCompletionSource<string>();
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (ListeningRegex().Match(e.Data) is { Success: true } m) listening.TrySetResult(m.Groups[1].Value);
        };
        server.BeginErrorReadLine();
        server.OutputDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            for (var i = 0; i < 100 && !Banner(stderr).Contains("Stop with Ctrl+C", StringComparison.Ordinal); i++) await Task.Delay(50);
            Assert.Contains("curl", Banner(stderr));
            var key = (await CliRunner.RunAsync(null, "keys", "create", "--role", "user", "--data", data)).Stdout.Trim();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var r = await http.PostAsync("/v1/runs", new StringContent("""{"language": "python", "code": "print(6 * 7)"}""", Encoding.UTF8, "application/json"));
            var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("42\n", body.GetProperty("stdout").GetString());
            var socket = Path.Combine(data, "sock", "warden.sock");
            Assert.True(File.Exists(socket));

            using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await server.WaitForExitAsync(cts.Token);
            Assert.True(server.ExitCode == 0, stderr.ToString());
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Serve_UnknownConfigurationKey_RefusesToStart()
    {
        var config = Path.Combine(_dir, "appsettings.json");
        await File.WriteAllTextAsync(config, """{"Limits": {"MemoryMegabytes": 256}}""");
        var r = await CliRunner.RunAsync(null, "serve", "--config", config, "--data", Path.Combine(_dir, "data"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Limits:MemoryMegabytes", r.Stderr);
    }

    [Fact]
    public async Task Serve_DataDirectoryOpenToOthers_PrintsOnlyTheReasonAndTheFix_AndExits125()
    {
        var data = Path.Combine(_dir, "open");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)Convert.ToInt32("755", 8));
        var r = await CliRunner.RunAsync(null, "serve", "--data", data, "--urls", "http://127.0.0.1:0", "--no-socket");
        Assert.Equal(125, r.ExitCode);
        AssertOnlyTheReason(r);
        Assert.Contains("open to other users", r.Stderr);
        Assert.Contains($"chmod 700 {data}", r.Stderr);
    }

    [Fact]
    public async Task Serve_WithoutBubblewrap_PrintsOnlyTheReasonAndTheFix_AndExits125()
    {
        var config = Path.Combine(_dir, "appsettings.json");
        await File.WriteAllTextAsync(config, """{"Engine": {"BwrapPath": "/nonexistent/bwrap"}}""");
        var r = await CliRunner.RunAsync(null, "serve", "--config", config, "--data", Path.Combine(_dir, "data"), "--urls", "http://127.0.0.1:0", "--no-socket");
        Assert.Equal(125, r.ExitCode);
        AssertOnlyTheReason(r);
        Assert.Contains("bwrap", r.Stderr);
    }

    [Fact]
    public async Task Serve_AddressInUse_PrintsOnlyTheReason_AndExits125()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var r = await CliRunner.RunAsync(null, "serve", "--data", Path.Combine(_dir, "data"), "--urls", $"http://127.0.0.1:{port}", "--no-socket");
        Assert.Equal(125, r.ExitCode);
        AssertOnlyTheReason(r);
        Assert.Contains("address already in use", r.Stderr);
    }

    /// <summary>
    /// Only Warden's own line on stderr (the reason and the fix), nothing on stdout (where the
    /// console log writes): no log record, no stack frame, no source path.
    /// </summary>
    private static void AssertOnlyTheReason(CliRunner.Output r)
    {
        Assert.True(r.Stdout.Length == 0, "expected nothing on stdout, got:\n" + r.Stdout);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + r.Stderr);
        Assert.StartsWith("warden: ", lines[0]);
        var all = r.Stdout + r.Stderr;
        Assert.DoesNotContain("   at ", all);
        Assert.DoesNotContain(".cs:line", all);
        Assert.DoesNotContain("/work/", all);
        Assert.DoesNotContain("Exception", all);
        Assert.DoesNotContain("Hosting failed", all);
    }

    private static string Banner(StringBuilder sb)
    {
        lock (sb) return sb.ToString();
    }

    [Fact]
    public async Task Serve_OnANonLoopbackAddressWithoutTls_Warns()
    {
        var data = Path.Combine(_dir, "data");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "warden.dll"), "serve", "--urls", "http://0.0.0.0:0", "--data", data, "--no-socket" }) psi.ArgumentList.Add(a);
        using var server = Process.Start(psi)!;
        var output = new StringBuilder();
        void Collect(object? _, DataReceivedEventArgs e) { if (e.Data is not null) lock (output) output.AppendLine(e.Data); }
        server.OutputDataReceived += Collect;
        server.ErrorDataReceived += Collect;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            for (var i = 0; i < 600 && !Banner(output).Contains("listening on", StringComparison.Ordinal); i++) await Task.Delay(100);
            Assert.Contains("without TLS", Banner(output));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningRegex();

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
