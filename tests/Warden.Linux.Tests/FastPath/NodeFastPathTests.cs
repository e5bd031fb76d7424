using Warden.Execution;
using Warden.Policy;
using Warden.TestSupport;
using Warden.Tests;

namespace Warden.Linux.Tests.FastPath;

/// <summary>
/// Prepared JavaScript sandboxes: zygote children that exec'd node ahead of the request, behind
/// the same layers as a Python job. Used once, isolated like the cold path, nothing left behind.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class NodeFastPathTests(ZygoteEngineFixture engine)
{
    /// <summary>Runs JavaScript once (which seeds the pool's limits) and waits for a prepared node sandbox.</summary>
    private async Task EnsurePreparedAsync()
    {
        var pool = engine.Backend.ZygotePool!;
        if (pool.PreparedNodeCount == 0) await engine.RunAsync("javascript", "console.log('seed')");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (pool.PreparedNodeCount == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(pool.PreparedNodeCount > 0, "no node sandbox was prepared: " + pool.LastFallback);
    }

    [HostFact(HostNeed.Node)]
    public async Task JavaScript_TakesAPreparedNodeSandbox_AndLeavesNothing()
    {
        await EnsurePreparedAsync();
        var (r, marker) = await engine.RunAsync("javascript", "console.log(1 + 1)");
        Assert.Equal("node-prepared", r.Path);
        Assert.Equal("2\n", r.Stdout);
        Assert.Equal(0, r.ExitCode);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [HostFact(HostNeed.Node)]
    public async Task PreparedNode_SeesOnlyItsOwnSandbox()
    {
        await EnsurePreparedAsync();
        var code = """
            const fs = require('fs'), os = require('os');
            const pids = fs.readdirSync('/proc').filter(p => /^\d+$/.test(p)).map(Number).sort((a, b) => a - b);
            console.log(JSON.stringify({
              pids, host: os.hostname(), uid: process.getuid(),
              nics: fs.readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).map(l => l.split(':')[0].trim()).filter(Boolean),
              files: fs.readdirSync('/workspace'), tmp: fs.readdirSync('/tmp'),
              env: Object.keys(process.env).filter(k => k !== 'WARDEN_TEST_MARKER').sort(), marker: !!process.env.WARDEN_TEST_MARKER,
              argv: process.argv.slice(1), execArgv: process.execArgv, main: require.main === module,
            }));
            """;
        var (r, marker) = await engine.RunAsync("javascript", code);
        Assert.Equal("node-prepared", r.Path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var o = System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("[1,2]", o.GetProperty("pids").GetRawText()); // the job's init and node: nothing of the zygote
        Assert.Equal("sandbox", o.GetProperty("host").GetString());
        Assert.NotEqual(0, o.GetProperty("uid").GetInt32());
        Assert.Equal("[\"lo\"]", o.GetProperty("nics").GetRawText());
        Assert.Equal("[\"main.js\"]", o.GetProperty("files").GetRawText());
        Assert.Equal("[]", o.GetProperty("tmp").GetRawText());
        Assert.True(o.GetProperty("marker").GetBoolean());
        Assert.DoesNotContain("MPLBACKEND", o.GetProperty("env").GetRawText()); // the request's variables, not the zygote's
        Assert.Equal("[\"/workspace/main.js\"]", o.GetProperty("argv").GetRawText());
        Assert.Equal("[]", o.GetProperty("execArgv").GetRawText());
        Assert.True(o.GetProperty("main").GetBoolean());
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [HostFact(HostNeed.Node)]
    public async Task PreparedNode_ExecutionsDoNotSeeEachOthersFiles()
    {
        await EnsurePreparedAsync();
        var (first, _) = await engine.RunAsync("javascript", "require('fs').writeFileSync('/workspace/secret', 'one'); require('fs').writeFileSync('/tmp/secret', 'one'); console.log('written')");
        Assert.Equal("written\n", first.Stdout);
        await EnsurePreparedAsync();
        var (second, marker) = await engine.RunAsync("javascript", "const fs = require('fs'); console.log(fs.existsSync('/workspace/secret'), fs.existsSync('/tmp/secret'))");
        Assert.Equal("node-prepared", second.Path);
        Assert.Equal("false false\n", second.Stdout);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [HostFact(HostNeed.Node)]
    public async Task PreparedNode_ReportsExitCodesAndUncaughtErrorsAsNodeDoes()
    {
        await EnsurePreparedAsync();
        var (exited, _) = await engine.RunAsync("javascript", "console.log('bye'); process.exit(3)");
        Assert.Equal(RunReason.Exited, exited.Reason);
        Assert.Equal(3, exited.ExitCode);
        Assert.Equal("bye\n", exited.Stdout);
        await EnsurePreparedAsync();
        var (thrown, marker) = await engine.RunAsync("javascript", "throw new Error('boom')");
        Assert.Equal("node-prepared", thrown.Path);
        Assert.Equal(1, thrown.ExitCode);
        Assert.Contains("Error: boom", thrown.Stderr);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [HostFact(HostNeed.Node)]
    public async Task PreparedNode_Timeout_KillsEverythingAndLeavesNothing()
    {
        await EnsurePreparedAsync();
        var (r, marker) = await engine.RunAsync("javascript",
            "require('child_process').spawn('/bin/sleep', ['60'], { stdio: 'ignore', detached: true }); while (true) {}",
            new LimitsRequest { TimeoutMs = 1500 });
        Assert.Equal("node-prepared", r.Path);
        Assert.Equal(RunReason.Timeout, r.Reason);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [HostFact(HostNeed.Node)]
    public async Task PreparedNode_EscapeAttemptsFromNodeAndItsChildrenFail()
    {
        await EnsurePreparedAsync();
        // Isolation first: no capabilities, no_new_privs, seccomp filter on node itself.
        var code = """
            const fs = require('fs'), cp = require('child_process');
            const status = fs.readFileSync('/proc/self/status', 'utf8');
            const field = k => status.split('\n').find(l => l.startsWith(k + ':')).split(':')[1].trim();
            const tryRun = c => { try { cp.execSync(c, { stdio: 'pipe' }); return 'ran'; } catch (e) { return 'failed'; } };
            const out = {
              capEff: field('CapEff'), noNewPrivs: field('NoNewPrivs'), seccomp: field('Seccomp'),
              unshare: tryRun('unshare -U -r true'), mount: tryRun('mount -t tmpfs x /tmp'),
              sysctl: tryRun('echo 1 > /proc/sys/kernel/sysrq'), hostFile: fs.existsSync('/etc/shadow'),
            };
            require('net').connect(80, '1.1.1.1').on('error', e => { out.net = e.code; console.log(JSON.stringify(out)); }).on('connect', () => { out.net = 'connected'; console.log(JSON.stringify(out)); process.exit(0); });
            """;
        var (r, marker) = await engine.RunAsync("javascript", code);
        Assert.Equal("node-prepared", r.Path);
        var o = System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("0000000000000000", o.GetProperty("capEff").GetString());
        Assert.Equal("1", o.GetProperty("noNewPrivs").GetString());
        Assert.Equal("2", o.GetProperty("seccomp").GetString());
        Assert.Equal("failed", o.GetProperty("unshare").GetString());
        Assert.Equal("failed", o.GetProperty("mount").GetString());
        Assert.Equal("failed", o.GetProperty("sysctl").GetString());
        Assert.False(o.GetProperty("hostFile").GetBoolean());
        Assert.NotEqual("connected", o.GetProperty("net").GetString());
        Leftovers.AssertNone(engine.Backend, marker);

        // kill(-1) from inside reaches only the job's own processes: the zygote and the other
        // prepared sandboxes live on, and the next run is served.
        var zygote = engine.Backend.ZygotePool!.Standard!; // node sandboxes are children of the standard zygote
        await EnsurePreparedAsync();
        var (killer, killerMarker) = await engine.RunAsync("javascript", "require('child_process').execSync('kill -9 -1 || true'); console.log('alive')");
        Assert.Equal("node-prepared", killer.Path);
        Assert.True(zygote.Alive);
        Assert.Same(zygote, engine.Backend.ZygotePool!.Standard);
        Leftovers.AssertNone(engine.Backend, killerMarker);
        await EnsurePreparedAsync();
        var (after, afterMarker) = await engine.RunAsync("javascript", "console.log('next')");
        Assert.Equal("next\n", after.Stdout);
        Leftovers.AssertNone(engine.Backend, afterMarker);
    }

    [HostFact(HostNeed.Node)]
    public async Task JavaScript_WithStdin_RunsColdAndSaysSo()
    {
        await EnsurePreparedAsync();
        var (r, marker) = await engine.RunAsync("javascript", "process.stdin.on('data', d => process.stdout.write(d))", stdin: "echo");
        Assert.Equal("cold", r.Path);
        Assert.Equal("echo", r.Stdout);
        Leftovers.AssertNone(engine.Backend, marker);
    }
}
