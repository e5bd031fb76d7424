using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Warden.Execution;
using Warden.Policy;
using Warden.TestSupport;
using Warden.Tests;

namespace Warden.Escape.Tests;

/// <summary>
/// Attempts to reach the host from inside: network, files, environment, processes, privileged
/// syscalls. Each test first proves the layer it attacks is in place, then attacks it.
/// </summary>
public abstract class IsolationEscapeTests(EngineFixture engine)
{
    private async Task<RunResult> Python(string code, LimitsRequest? limits = null)
    {
        var (r, marker) = await engine.RunAsync("python", code, limits);
        Assert.True(r.Reason == RunReason.Exited && r.ExitCode == 0, $"reason {r.Reason}, exit {r.ExitCode}, stderr: {r.Stderr}");
        Leftovers.AssertNone(engine.Backend, marker);
        return r;
    }

    [Fact]
    public async Task Sandbox_HasEveryLayerInPlace()
    {
        var r = await Python("""
            import os
            st = open('/proc/self/status').read()
            print([l for l in st.splitlines() if l.startswith(('Seccomp:', 'NoNewPrivs:', 'CapEff:', 'CapBnd:', 'CapPrm:'))])
            print(os.getuid(), os.getgid(), os.getpid(), open('/proc/sys/kernel/hostname').read().strip())
            print(sorted(os.listdir('/')))
            print(open('/proc/self/cgroup').read().strip())
            print(os.getppid(), open('/proc/1/cmdline').read().split(chr(0))[0], os.getpid())
            """);
        Assert.Contains("'Seccomp:\\t2'", r.Stdout);
        Assert.Contains("'NoNewPrivs:\\t1'", r.Stdout);
        Assert.Contains("'CapEff:\\t0000000000000000'", r.Stdout);
        Assert.Contains("'CapBnd:\\t0000000000000000'", r.Stdout);
        var lines = r.Stdout.Split('\n');
        Assert.StartsWith("1000 1000 ", lines[1]);
        Assert.EndsWith(" sandbox", lines[1]);
        Assert.DoesNotContain("'root'", lines[2]);
        Assert.DoesNotContain("'home'", lines[2]);
        Assert.DoesNotContain("'var'", lines[2]);
        Assert.DoesNotContain("'sys'", lines[2]);
        Assert.DoesNotContain("'run'", lines[2]);
        Assert.Contains("'workspace'", lines[2]);
        // Its own cgroup namespace: the sandbox sees itself at the root of every hierarchy.
        // On every path our helper is the namespace's pid 1 and the program is pid 2. On the cold
        // path the helper is also its parent; on the zygote path its parent is the zygote, outside
        // the namespace, so the program sees no parent at all (0).
        Assert.Matches(r.Path == "cold" ? "\n1 /.warden/helper 2\n" : "\n0 /.warden/helper 2\n", r.Stdout);
        Assert.All(lines.Skip(3).Where(l => l.Contains(':')), l => Assert.EndsWith(":/", l));
    }

    [Fact]
    public async Task Sandbox_HostUidOfSandboxedProcess_IsNotRoot()
    {
        var marker = Guid.NewGuid().ToString("N");
        var request = new RunRequest
        {
            Language = "python",
            // A child program carries the marker in its environment on every path.
            Code = "import subprocess, time\np = subprocess.Popen(['/bin/sleep', '5'])\ntime.sleep(0.2)\nprint('ready', flush=True)\np.wait()\n",
            Env = new Dictionary<string, string> { [Leftovers.MarkerVariable] = marker },
            Limits = new LimitsRequest { TimeoutMs = 10_000 },
        };
        var uids = new List<string>();
        using var cts = new CancellationTokenSource();
        try
        {
            await foreach (var e in engine.Runner.StreamAsync(request, cts.Token))
            {
                if (e is not RunOutput { Text: var t } || !t.Contains("ready")) continue;
                foreach (var pid in Leftovers.ProcessesWithMarker(marker))
                    uids.Add(File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:")));
                await cts.CancelAsync();
            }
        }
        catch (OperationCanceledException) { }
        Assert.NotEmpty(uids);
        foreach (var line in uids)
        {
            var real = long.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);
            Assert.NotEqual(0, real);
            Assert.True(real >= engine.Backend.Options.SandboxUidBase, $"host uid {real} is outside the sandbox range");
        }
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Network_ConnectToHostLoopbackListener_Fails()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // The listener really is reachable from the host.
        using (var c = new TcpClient()) await c.ConnectAsync(IPAddress.Loopback, port);
        var r = await Python($$"""
            import socket
            s = socket.socket()
            s.settimeout(2)
            try:
                s.connect(("127.0.0.1", {{port}})); print("CONNECTED")
            except OSError as e:
                print("refused", e.errno)
            """);
        Assert.StartsWith("refused", r.Stdout);
    }

    [Fact]
    public async Task Network_ConnectToPublicAddress_Fails()
    {
        var r = await Python("""
            import socket
            for addr in [("1.1.1.1", 80), ("8.8.8.8", 53)]:
                s = socket.socket(); s.settimeout(2)
                try:
                    s.connect(addr); print("CONNECTED")
                except OSError as e:
                    print("unreachable", e.errno)
            try:
                print(socket.if_nameindex())
            except OSError as e:
                print("netlink denied", e.errno)
            """);
        Assert.DoesNotContain("CONNECTED", r.Stdout);
        Assert.Equal(2, r.Stdout.Split('\n').Count(l => l.StartsWith("unreachable")));
        Assert.Contains("netlink denied 97", r.Stdout); // interfaces cannot even be listed
    }

    [Theory]
    [InlineData("/etc/shadow")]
    [InlineData("/etc/gshadow")]
    [InlineData("/root/.bashrc")]
    [InlineData("/root/.ssh/id_rsa")]
    [InlineData("/home")]
    [InlineData("/var/lib")]
    [InlineData("/run/warden")]
    [InlineData("/sys/class/dmi/id/product_uuid")]
    [InlineData("/etc/ssh/ssh_host_rsa_key")]
    public async Task Files_HostSecretPath_IsNotVisible(string path)
    {
        var r = await Python($$"""
            import os
            print(os.path.exists("{{path}}"))
            try:
                open("{{path}}", "rb").read(); print("READ")
            except OSError as e:
                print("denied", e.errno)
            """);
        Assert.StartsWith("False\ndenied", r.Stdout);
    }

    [Fact]
    public async Task Files_WardenDataDirectory_IsNotVisible()
    {
        var dataDir = Directory.CreateTempSubdirectory("warden-data-test-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dataDir.FullName, "keys.db"), "secret-key-material");
            var r = await Python($$"""
                import os
                p = "{{dataDir.FullName}}/keys.db"
                print(os.path.exists(p), os.path.exists("{{dataDir.FullName}}"))
                """);
            Assert.Equal("False False\n", r.Stdout);
        }
        finally
        {
            dataDir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Environment_HostVariables_AreInvisibleEverywhere()
    {
        const string secretName = "WARDEN_TEST_HOST_SECRET";
        Environment.SetEnvironmentVariable(secretName, "hunter2");
        try
        {
            var r = await Python("""
                import os
                found = []
                for pid in [p for p in os.listdir('/proc') if p.isdigit()] + ['self']:
                    try:
                        if b'hunter2' in open(f'/proc/{pid}/environ', 'rb').read(): found.append(pid)
                    except OSError:
                        pass
                print("found", found)
                print(sorted(os.environ))
                try:
                    print(b'hunter2' in open('/proc/1/environ', 'rb').read())
                except OSError as e:
                    print("pid 1 denied", e.errno)
                """);
            Assert.StartsWith("found []", r.Stdout);
            Assert.DoesNotContain("hunter2", r.Stdout);
            Assert.Contains("'HOME', 'LANG', 'MPLBACKEND', 'MPLCONFIGDIR', 'PATH'", r.Stdout);
            // pid 1 is Warden's helper, not dumpable, so its environment is not even readable.
            Assert.EndsWith("pid 1 denied 13\n", r.Stdout);
        }
        finally
        {
            Environment.SetEnvironmentVariable(secretName, null);
        }
    }

    [Theory]
    [InlineData("/usr/evil")]
    [InlineData("/etc/evil")]
    [InlineData("/evil")]
    [InlineData("/proc/sys/kernel/hostname")]
    [InlineData("/proc/sys/vm/drop_caches")]
    [InlineData("/proc/sysrq-trigger")]
    [InlineData("/dev/evil")]
    public async Task Files_WriteOutsideWorkspaceAndTmp_Fails(string path)
    {
        var r = await Python($$"""
            try:
                with open("{{path}}", "w") as f: f.write("1")
                print("WROTE")
            except OSError as e:
                print("denied", e.errno)
            open("/workspace/ok", "w").write("fine"); open("/tmp/ok", "w").write("fine")
            print(open("/workspace/ok").read(), open("/tmp/ok").read())
            """);
        Assert.StartsWith("denied", r.Stdout);
        Assert.EndsWith("fine fine\n", r.Stdout);
        Assert.False(File.Exists(path) && path.StartsWith("/usr", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Processes_HostProcessesAreInvisibleAndCannotBeSignalled()
    {
        using var victim = Process.Start(new ProcessStartInfo("/bin/sleep", "60") { UseShellExecute = false })!;
        try
        {
            var r = await Python($$"""
                import os, signal
                pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
                print("pids", len(pids), max(pids))
                for target, label in [({{victim.Id}}, "victim"), (1, "init")]:
                    try:
                        os.kill(target, signal.SIGKILL); print(label, "SIGNALLED")
                    except OSError as e:
                        print(label, "denied", e.errno)
                try:
                    os.kill(-1, signal.SIGKILL)
                except OSError as e:
                    print("kill(-1) errno", e.errno)
                """);
            Assert.Matches(@"^pids [1-4] [1-9]\n", r.Stdout);
            Assert.DoesNotContain("victim SIGNALLED", r.Stdout);
            Assert.False(victim.HasExited, "a host process was killed from inside the sandbox");
        }
        finally
        {
            victim.Kill();
        }
    }

    [Fact]
    public async Task Processes_KillMinusOne_OnlyKillsTheSandbox()
    {
        using var victim = Process.Start(new ProcessStartInfo("/bin/sleep", "60") { UseShellExecute = false })!;
        try
        {
            var (r, marker) = await engine.RunAsync("python", "import os, signal\nos.kill(-1, signal.SIGKILL)\nimport time; time.sleep(1)\nprint('survived')");
            Assert.False(victim.HasExited);
            Assert.NotEqual(RunReason.SandboxError, r.Reason);
            Leftovers.AssertNone(engine.Backend, marker);
        }
        finally
        {
            victim.Kill();
        }
    }
}

/// <summary>The suite on the cold path: a fresh bubblewrap sandbox per run.</summary>
[Collection(EngineCollection.Name)]
public sealed class IsolationEscapeTestsOnColdPath(EngineFixture engine) : IsolationEscapeTests(engine);

/// <summary>The suite with Python on the fast path: prepared zygote children (the standard zygote for what imports only the standard library).</summary>
[Collection(EngineCollection.Name)]
public sealed class IsolationEscapeTestsOnZygotePath(ZygoteEngineFixture engine) : IsolationEscapeTests(engine);

/// <summary>The suite with Python on the scientific zygote's children (numpy, pandas, matplotlib already imported).</summary>
[Collection(EngineCollection.Name)]
public sealed class IsolationEscapeTestsOnScientificZygotePath(ScientificZygoteEngineFixture engine) : IsolationEscapeTests(engine);
