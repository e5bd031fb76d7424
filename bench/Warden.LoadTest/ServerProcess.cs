using System.Diagnostics;
using System.Globalization;

namespace Warden.LoadTest;

/// <summary>`./warden serve` in its own process (built by the ./warden script on first use).</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _p;

    private ServerProcess(Process p) => _p = p;

    /// <summary>Each client's rate limit for the test (its key's quota); everything else is the default configuration.</summary>
    public const int RequestsPerMinute = 6000;

    public int Pid => _p.Id;
    public int ExitCode => _p.ExitCode;

    public static ServerProcess Start(string data, Uri url, string socket)
    {
        var psi = new ProcessStartInfo(Path.Combine(Repo.Root, "warden")) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "serve", "--urls", url.ToString().TrimEnd('/'), "--data", data, "--socket", socket }) psi.ArgumentList.Add(a);
        // The default of 120 requests a minute per user would make this a test of the rate limiter: cells take milliseconds.
        psi.Environment["WARDEN__QUOTAS__USER__REQUESTSPERMINUTE"] = RequestsPerMinute.ToString(CultureInfo.InvariantCulture);
        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null && (e.Data.Contains("fail", StringComparison.OrdinalIgnoreCase) || e.Data.Contains("error", StringComparison.OrdinalIgnoreCase))) Console.Error.WriteLine("server: " + e.Data); };
        p.OutputDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        return new ServerProcess(p);
    }

    public async Task WaitHealthyAsync(Uri url, TimeSpan within)
    {
        using var c = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            if (_p.HasExited) throw new InvalidOperationException("the server exited with " + _p.ExitCode);
            try
            {
                if ((await c.GetAsync("/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("the server did not become healthy");
    }

    /// <summary>Resident memory of the server process (the warden script execs it, so the pid is the server's).</summary>
    public long RssKb()
    {
        var line = File.ReadLines($"/proc/{_p.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _p.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task WaitForExitAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        await _p.WaitForExitAsync(cts.Token);
    }

    public void KillIfRunning()
    {
        if (!_p.HasExited) _p.Kill(entireProcessTree: true);
    }

    public void Dispose() => _p.Dispose();
}
