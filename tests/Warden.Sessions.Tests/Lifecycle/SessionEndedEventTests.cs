using System.Collections.Concurrent;
using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Lifecycle;

/// <summary>The manager announces every end of a session once, when it happens, whatever ended it.</summary>
[Collection(SessionCollection.Name)]
public sealed class SessionEndedEventTests(EngineFixture engine)
{
    [Fact]
    public async Task SessionEnded_IsRaisedOnce_ForEveryWayASessionEnds_BeforeTheCallThatEndedItReturns()
    {
        var clock = new ManualClock();
        var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, TimeProvider = clock, InterruptGrace = TimeSpan.FromMilliseconds(300) });
        var ended = new ConcurrentQueue<SessionInfo>();
        // A failing listener changes nothing for the session nor for the other listeners.
        h.Manager.SessionEnded += (_, _) => throw new InvalidOperationException("listener failed");
        h.Manager.SessionEnded += (sender, e) =>
        {
            Assert.Same(h.Manager, sender);
            ended.Enqueue(e.Session);
        };
        SessionInfo Only(string id) => Assert.Single(ended, s => s.Id == id);
        try
        {
            var killed = await h.CreateAsync();
            var idle = await h.CreateAsync(idleTtlSeconds: 10);
            var expired = await h.CreateAsync(idleTtlSeconds: 100, maxLifetimeSeconds: 20);
            var crashed = await h.CreateAsync();
            var timedOut = await h.CreateAsync();
            var atShutdown = await h.CreateAsync();
            await Assert.ThrowsAsync<SessionStartException>(() => h.CreateAsync(initCode: "raise RuntimeError('no')"));
            Assert.Empty(ended);

            await h.Manager.KillAsync(killed.Id, SessionHarness.Owner);
            Assert.Equal((SessionState.Closed, SessionEndReason.Killed), (Only(killed.Id).State, Only(killed.Id).Reason));

            clock.Advance(TimeSpan.FromSeconds(11));
            await h.Manager.ReapAsync();
            Assert.Equal((SessionState.Closed, SessionEndReason.Idle), (Only(idle.Id).State, Only(idle.Id).Reason));
            Assert.Equal(clock.GetUtcNow(), Only(idle.Id).EndedAt);
            clock.Advance(TimeSpan.FromSeconds(10));
            await h.Manager.ReapAsync();
            Assert.Equal((SessionState.Closed, SessionEndReason.Expired), (Only(expired.Id).State, Only(expired.Id).Reason));

            Assert.Equal(CellStatus.Lost, (await h.RunAsync(crashed.Id, "import os\nos._exit(3)")).Status);
            Assert.Equal((SessionState.Lost, SessionEndReason.Crashed), (Only(crashed.Id).State, Only(crashed.Id).Reason));
            Assert.Contains("exited with code 3", Only(crashed.Id).Message, StringComparison.Ordinal);

            var r = await h.RunAsync(timedOut.Id, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass", timeoutMs: 300);
            Assert.Equal((CellStatus.Lost, CellReason.Timeout), (r.Status, r.Reason));
            Assert.Equal((SessionState.Lost, SessionEndReason.Timeout), (Only(timedOut.Id).State, Only(timedOut.Id).Reason));

            Assert.DoesNotContain(ended, s => s.Id == atShutdown.Id);
            await h.Manager.DisposeAsync();
            Assert.Equal((SessionState.Closed, SessionEndReason.Shutdown), (Only(atShutdown.Id).State, Only(atShutdown.Id).Reason));

            // Once each, with the time the manager reports.
            Assert.Equal(6, ended.Count);
            foreach (var e in ended) Assert.Equal(h.Manager.Get(e.Id)!.EndedAt, e.EndedAt);
        }
        finally
        {
            await h.DisposeAsync();
        }
    }
}
