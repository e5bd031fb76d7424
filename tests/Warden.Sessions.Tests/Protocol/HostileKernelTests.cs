using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Protocol;

/// <summary>
/// User code runs in the kernel's process and can write anything on the protocol channel. The host
/// parses defensively: a malformed, oversized or ill-typed message ends the session as crashed, and
/// nothing is left behind. (The kernel's descriptors: 3 = requests, 4 = messages.)
/// </summary>
[Collection(SessionCollection.Name)]
public sealed class HostileKernelTests(EngineFixture engine)
{
    [Theory]
    [InlineData("os.write(4, b'{not json\\n')")]
    [InlineData("os.write(4, b'{\"id\": \"1\"}\\n')")]
    [InlineData("os.write(4, b'{\"type\": \"stream\", \"text\": 5}\\n')")]
    [InlineData("os.write(4, b'[1, 2, 3]\\n')")]
    [InlineData("os.write(4, b'{\"type\":\"ok\",\"data\":' + b'[' * 5000 + b']' * 5000 + b'}\\n')")]
    [InlineData("os.write(4, b'x' * (3 << 20))")]
    public async Task AHostileMessage_EndsTheSessionAsCrashed_AndLeavesNothingBehind(string attack)
    {
        await using var h = new SessionHarness(engine, new SessionManagerOptions { RunReaper = false, MaxMessageBytes = 1 << 20 });
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, "import os, time\n" + attack + "\ntime.sleep(5)");
        Assert.Equal(CellStatus.Lost, r.Status);
        Assert.Equal(CellReason.Crashed, r.Reason);
        var info = h.Manager.Get(s.Id)!;
        Assert.Equal((SessionState.Lost, SessionEndReason.Crashed), (info.State, info.Reason));
        Assert.Contains("protocol", info.Message, StringComparison.Ordinal);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task ForgedMessagesForOtherRequests_AreIgnored_AndForgedOutputsAreChecked()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        // A message for an id nobody waits for, and a display with a bad mime type and a non-string image.
        var r = await h.RunAsync(s.Id, """
            import os, sys
            cid = sys.modules['warden_kernel'].display.__globals__['_st'].cell_id
            os.write(4, b'{"id":"999","type":"done","status":"ok"}\n')
            os.write(4, ('{"id":"%s","type":"display","data":{"Not A Mime":"x","image/png":{"a":1},"text/plain":"ok","text/html":"<b>\\u001b[31m</b>"}}\n' % cid).encode())
            'after'
            """);
        Assert.Equal(CellStatus.Ok, r.Status);
        var shown = Assert.Single(r.Outputs.OfType<DisplayDataOutput>());
        Assert.Equal(new[] { "text/html", "text/plain" }, shown.Data.Keys.Order().ToArray());
        Assert.Equal("'after'", r.Text());
    }
}
