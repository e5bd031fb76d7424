using System.Net;
using System.Text.Json;
using Warden.Server.Tests.Support;
using Warden.TestSupport;

namespace Warden.Server.Tests.Api;

/// <summary>
/// Two tenants (two API keys) on one server: Bob's runs attack through their process group
/// (kill(0) with SIGKILL and SIGSTOP, killpg, setpriority) on the fast path while Alice's run
/// sleeps beside them; Alice's run answers its own result, Bob's timeouts hold, nothing is left.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ProcessGroupAttackEndpointTests(SharedServer server)
{
    private WardenTestHost Host => server.Host;

    private static string Body(string code, int timeoutMs) =>
        JsonSerializer.Serialize(new { language = "python", code, limits = new { timeoutMs } });

    private async Task<JsonElement> RunAsync(string key, string code, int timeoutMs = 10_000)
    {
        using var c = Host.Client(key);
        using var r = await c.PostAsync("/v1/runs", WardenTestHost.Json(Body(code, timeoutMs))).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return (await Http.JsonAsync(r)).Clone();
    }

    [Fact]
    public async Task Runs_OfOneKeyAttackingTheirProcessGroup_DoNotDisturbAnotherKeysRun()
    {
        // The fast path must be up, or this proves nothing about it.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? path = null;
        while (DateTime.UtcNow < deadline && path is not ("zygote" or "zygote-on-demand"))
        {
            path = (await RunAsync(Host.AliceKey, "print(0)")).GetProperty("path").GetString();
            if (path == "cold") await Task.Delay(500);
        }
        Assert.True(path is "zygote" or "zygote-on-demand", "the fast path did not come up: " + path);

        const string guard = "import os, signal, sys, time\nif os.getpid() != 2 or not open('/proc/1/cmdline').read().startswith('/.warden/helper'):\n    sys.exit(99)\n";
        (string Code, string Reason)[] attacks =
        [
            ("os.kill(0, signal.SIGKILL)\ntime.sleep(30)", "signaled"),
            ("os.kill(0, signal.SIGSTOP)\ntime.sleep(30)", "timeout"),
            ("os.killpg(os.getpgrp(), signal.SIGKILL)\ntime.sleep(30)", "signaled"),
            ("os.setpriority(os.PRIO_PGRP, 0, 19)\nprint('reniced')", "exited"),
        ];
        const int limit = 1_500;
        foreach (var (code, reason) in attacks)
        {
            var alice = RunAsync(Host.AliceKey, "import os, time\ntime.sleep(2)\nprint(os.getpriority(os.PRIO_PROCESS, 0))");
            await Task.Delay(500);
            var bob = await RunAsync(Host.BobKey, guard + code, limit);
            Assert.NotEqual(99, bob.GetProperty("exitCode").ValueKind == JsonValueKind.Number ? bob.GetProperty("exitCode").GetInt32() : 0);
            Assert.Equal(reason, bob.GetProperty("reason").GetString());
            if (reason == "timeout") Assert.True(bob.GetProperty("wallMs").GetDouble() <= limit + 1_000, $"timeout answered after {bob.GetProperty("wallMs").GetDouble()} ms");
            var a = await alice;
            Assert.True(a.GetProperty("reason").GetString() == "exited" && a.GetProperty("stdout").GetString() == "0\n",
                $"Alice's run was hit by '{code.Split('\n')[0]}': {a}");
        }
        Leftovers.AssertNone(Host.Backend);
    }
}
