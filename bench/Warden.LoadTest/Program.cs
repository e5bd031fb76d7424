using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Warden.LoadTest;

// A bounded load test of `warden serve` on loopback: N clients (one user key each, one session
// each) for S seconds, mixing synchronous runs, streamed runs and session cells. The server
// is the real CLI in its own process, so that its memory can be read; results go to bench/results/.
// Two identical rounds by default, so that memory after the second can be compared with the first.
//   dotnet run -c Release --project bench/Warden.LoadTest -- [--clients 50] [--seconds 30] [--rounds 2] [--out DIR]

var clients = Arg("--clients", 50);
var seconds = Arg("--seconds", 30);
var roundsCount = Arg("--rounds", 2);
var outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(Repo.Root, "bench", "results");
var marker = "load-" + Guid.NewGuid().ToString("N");
var dir = Directory.CreateTempSubdirectory("wdn-load-").FullName;
var data = Path.Combine(dir, "data");
var port = FreePort();
var baseUri = new Uri($"http://127.0.0.1:{port}");

Console.Error.WriteLine($"load: {clients} clients x {seconds} s against {baseUri}; data {data}");
var keys = Keys.Create(data, clients);
using var server = ServerProcess.Start(data, baseUri, Path.Combine(dir, "s", "warden.sock"));
var results = new Results();
try
{
    await server.WaitHealthyAsync(baseUri, TimeSpan.FromMinutes(5));
    using var warm = Client(baseUri, keys[0]);
    for (var i = 0; i < 20; i++) await Workload.RunOnceAsync(warm, i, marker, null);
    await Task.Delay(2000);
    var rssBefore = server.RssKb();
    var loadBefore = Report.LoadAverage();
    // With the fast path a zygote and its prepared children are sandboxes too, alive while idle: count them now.
    var baselineSandboxes = Cgroups.Sandboxes(server.Pid);
    var rounds = new List<Report.Round>();
    for (var round = 0; round < roundsCount; round++)
    {
        var roundResults = new Results();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var sw = Stopwatch.StartNew();
        var tasks = keys.Select((key, i) => Task.Run(async () =>
        {
            using var c = Client(baseUri, key);
            var (opened, session) = await Workload.OpenSessionAsync(c, marker);
            roundResults.Add(opened);
            // Every client goes through the whole mix, starting at a different place in it.
            for (var n = i; !stop.IsCancellationRequested; n++)
                roundResults.Add(await Workload.RunOnceAsync(c, n, marker, session));
            if (session is not null) roundResults.Add(await Workload.CloseSessionAsync(c, session));
        })).ToList();
        await Task.WhenAll(tasks);
        var elapsed = sw.Elapsed;
        var rssAfter = server.RssKb();
        await Task.Delay(TimeSpan.FromSeconds(10));
        rounds.Add(new Report.Round(roundResults, elapsed, rssAfter, server.RssKb(), Cgroups.Sandboxes(server.Pid)));
        foreach (var r in roundResults.All) results.Add(r);
    }

    var loadAfter = Report.LoadAverage();
    var stopWatch = Stopwatch.StartNew();
    server.Terminate();
    await server.WaitForExitAsync(TimeSpan.FromMinutes(2));
    var stopMs = stopWatch.Elapsed.TotalMilliseconds;
    var audit = AuditCount.Read(data);
    var leftoverProcesses = Leftovers.ProcessesWithMarker(marker);
    var (liveLeft, emptyLeft) = Cgroups.Sandboxes(server.Pid);
    var leftoverCgroups = Cgroups.Parents(server.Pid) + liveLeft + emptyLeft;

    var report = Report.Build(new Report.Input
    {
        Clients = clients,
        Seconds = seconds,
        Rounds = rounds,
        WarmupRequests = 20,
        RssBeforeKb = rssBefore,
        CgroupsAfterExit = leftoverCgroups,
        BaselineSandboxes = baselineSandboxes,
        LoadBefore = loadBefore,
        LoadAfter = loadAfter,
        LeftoverProcesses = leftoverProcesses.Count,
        AuditRecords = audit.Total,
        AuditRunRecords = audit.Runs,
        ServerExitCode = server.ExitCode,
        StopMs = stopMs,
    });
    Console.WriteLine(report);
    Directory.CreateDirectory(outDir);
    var file = Path.Combine(outDir, $"server-load-{DateTime.UtcNow:yyyy-MM-dd}.md");
    await File.WriteAllTextAsync(file, report);
    Console.Error.WriteLine("load: wrote " + file);
    return results.ServerErrors == 0 && audit.Total == results.Count + 20 && results.All.All(r => r.Ok) && rounds.All(r => r.SandboxesIdle.Live <= baselineSandboxes.Live && r.SandboxesIdle.Empty <= Warden.Linux.Cgroups.CgroupReserve.MaxShapes) && leftoverProcesses.Count == 0 && leftoverCgroups == 0 ? 0 : 1;
}
finally
{
    server.KillIfRunning();
    try { Directory.Delete(dir, true); } catch (IOException) { }
}

int Arg(string name, int fallback)
{
    var v = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    return v is not null && int.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : fallback;
}

static int FreePort()
{
    using var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    return ((IPEndPoint)l.LocalEndpoint).Port;
}

static HttpClient Client(Uri baseUri, string key)
{
    var c = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4 }) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };
    c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    return c;
}

namespace Warden.LoadTest
{
    internal static class Repo
    {
        /// <summary>The clone this program was built in (its output lies under bench/Warden.LoadTest/bin).</summary>
        public static string Root { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
    }
}
