using System.Text;
using Warden.Policy;
using Warden.Sandbox;
using Warden.TestSupport;
using Warden.Tests;

namespace Warden.Linux.Tests.Engine;

/// <summary>Long-lived sandboxes (what sessions are built on): a conversation over stdin/stdout, interrupt, kill, lifetime.</summary>
[Collection(EngineCollection.Name)]
public sealed class InteractiveSandboxTests(EngineFixture engine)
{
    private static SandboxSpec Python(string code, string marker, Limits? limits = null) => new()
    {
        Argv = ["/usr/bin/python3", "-u", "-c", code],
        Env = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", [Leftovers.MarkerVariable] = marker },
        Limits = limits ?? new Limits { TimeoutMs = 30_000 },
    };

    private static async Task<string?> ReadLineAsync(Stream s)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await s.ReadAsync(one, cts.Token) == 1)
        {
            if (one[0] == '\n') return Encoding.UTF8.GetString(bytes.ToArray());
            bytes.Add(one[0]);
        }
        return bytes.Count == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static Task WriteLineAsync(Stream s, string line) => s.WriteAsync(Encoding.UTF8.GetBytes(line + "\n")).AsTask().ContinueWith(_ => s.FlushAsync()).Unwrap();

    [Fact]
    public async Task Start_ConversationOverStdinAndStdout_KeepsStateAndEndsCleanly()
    {
        var marker = Guid.NewGuid().ToString("N");
        await using var sb = await engine.Backend.StartAsync(Python("import sys\ntotal = 0\nfor line in sys.stdin:\n    total += int(line)\n    print(total, flush=True)\n", marker), null, default);
        foreach (var (n, expected) in new[] { (1, "1"), (2, "3"), (39, "42") })
        {
            await WriteLineAsync(sb.Input, n.ToString());
            Assert.Equal(expected, await ReadLineAsync(sb.Output));
        }
        Assert.True(sb.MemoryBytes > 0);
        sb.Input.Close();
        var outcome = await sb.Completion;
        Assert.True(outcome.Started);
        Assert.Equal(0, outcome.ExitCode);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Interrupt_RaisesKeyboardInterruptInTheProgramAndItKeepsRunning()
    {
        var marker = Guid.NewGuid().ToString("N");
        const string code = """
            import sys, time
            print("ready", flush=True)
            while True:
                try:
                    # A CPU-bound cell, run the way a kernel runs cells: exec of a *code object*
                    # (exec of a string makes CPython 3.11 re-raise SIGINT at exit).
                    exec(compile("while True: pass", "<cell>", "exec"))
                except KeyboardInterrupt:
                    print("interrupted", flush=True)
                    line = sys.stdin.readline()
                    if line.strip() == "quit": break
            """;
        await using var sb = await engine.Backend.StartAsync(Python(code, marker), null, default);
        Assert.Equal("ready", await ReadLineAsync(sb.Output));
        for (var i = 0; i < 2; i++)
        {
            await Task.Delay(100);
            Assert.True(sb.Interrupt());
            var got = await ReadLineAsync(sb.Output);
            if (got is null)
            {
                var o = await sb.Completion;
                Assert.Fail($"ended: exit {o.ExitCode} signal {o.Signal} stderr {o.Stderr} started {o.Started} diag {o.Diagnostic}");
            }
            Assert.Equal("interrupted", got);
            await WriteLineAsync(sb.Input, i == 0 ? "again" : "quit");
        }
        var outcome = await sb.Completion;
        Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode} signal {outcome.Signal} stderr {outcome.Stderr}");
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Kill_EndsEverythingAndReportsKilled()
    {
        var marker = Guid.NewGuid().ToString("N");
        await using var sb = await engine.Backend.StartAsync(Python("import os, time\nif os.fork() == 0:\n    os.setsid(); time.sleep(300)\nprint('up', flush=True)\ntime.sleep(300)", marker), null, default);
        Assert.Equal("up", await ReadLineAsync(sb.Output));
        sb.Kill();
        var outcome = await sb.Completion;
        Assert.True(outcome.KilledByWarden);
        Assert.False(sb.Interrupt());
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Lifetime_IsTheWallClockLimit()
    {
        var marker = Guid.NewGuid().ToString("N");
        await using var sb = await engine.Backend.StartAsync(Python("import time\ntime.sleep(300)", marker, new Limits { TimeoutMs = 800 }), null, default);
        var outcome = await sb.Completion;
        Assert.True(outcome.TimedOut);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task MemoryBombInside_EndsTheSandboxWithAnOomKill()
    {
        var marker = Guid.NewGuid().ToString("N");
        await using var sb = await engine.Backend.StartAsync(Python("import sys\nsys.stdin.readline()\nx = []\nwhile True: x.append(b'x' * (1 << 24))", marker, new Limits { MemoryMb = 64 }), null, default);
        await WriteLineAsync(sb.Input, "go");
        var outcome = await sb.Completion;
        Assert.True(outcome.OomKilled);
        Assert.Equal(9, outcome.Signal);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Dispose_WhileRunning_KillsAndReaps()
    {
        var marker = Guid.NewGuid().ToString("N");
        var sb = await engine.Backend.StartAsync(Python("import time\nprint('up', flush=True)\ntime.sleep(300)", marker), null, default);
        Assert.Equal("up", await ReadLineAsync(sb.Output));
        await sb.DisposeAsync();
        Assert.True(sb.Completion.IsCompleted);
        Leftovers.AssertNone(engine.Backend, marker);
    }
}
