using System.Text.Json;
using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Cells;

/// <summary>Every Jupyter output type, from a real Python kernel in a real sandbox.</summary>
[Collection(SessionCollection.Name)]
public sealed class OutputTypeTests(EngineFixture engine)
{
    [Fact]
    public async Task Cells_KeepStateBetweenThemAndCountExecutions()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        Assert.Equal(SessionState.Idle, s.State);
        var a = await h.RunAsync(s.Id, "x = 41");
        var b = await h.RunAsync(s.Id, "x += 1");
        var c = await h.RunAsync(s.Id, "x");
        Assert.Equal((1, 2, 3), (a.ExecutionCount, b.ExecutionCount, c.ExecutionCount));
        Assert.All(new[] { a, b, c }, r => Assert.Equal(CellStatus.Ok, r.Status));
        Assert.Equal("42", c.Text());
        Assert.Equal(3, c.Outputs.OfType<ExecuteResultOutput>().Single().ExecutionCount);
        Assert.Equal(3, h.Manager.Get(s.Id)!.ExecutionCount);
    }

    [Fact]
    public async Task Stream_StdoutAndStderr_IncludingSubprocessesAndRawFds_InOrder()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, "import os, sys, subprocess\nprint('one')\nos.write(1, b'two\\n')\nsubprocess.run(['echo', 'three'])\nprint('oops', file=sys.stderr)");
        Assert.Equal(CellStatus.Ok, r.Status);
        Assert.Equal("one\ntwo\nthree\n", r.Stdout());
        Assert.Equal("oops\n", r.Stderr());
    }

    [Fact]
    public async Task Stream_IsDeliveredWhileTheCellRuns()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var first = DateTime.MinValue;
        CellResult? result = null;
        var started = DateTime.UtcNow;
        await foreach (var e in h.Manager.ExecuteAsync(s.Id, SessionHarness.Owner, new CellRequest { Code = "import time\nprint('early', flush=True)\ntime.sleep(1.5)\nprint('late')" }))
        {
            if (e is CellOutputEvent { Output: StreamOutput { Text: "early\n" } }) first = DateTime.UtcNow;
            if (e is CellCompletedEvent c) result = c.Result;
        }
        Assert.NotNull(result);
        Assert.True(first - started < TimeSpan.FromSeconds(1), $"the first line came after {(first - started).TotalMilliseconds} ms");
        Assert.Equal("early\nlate\n", result.Stdout());
    }

    [Fact]
    public async Task ExecuteResult_HasTextPlainAndTheObjectsReprMethods()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, """
            class Rich:
                def __repr__(self): return 'Rich()'
                def _repr_html_(self): return '<b>rich</b>'
                def _repr_svg_(self): return '<svg xmlns="http://www.w3.org/2000/svg"/>'
                def _repr_latex_(self): return r'$\alpha$'
                def _repr_json_(self): return {'a': [1, 2]}
                def _repr_png_(self): return b'\x89PNG\r\n\x1a\nfake'
            Rich()
            """);
        var data = r.Outputs.OfType<ExecuteResultOutput>().Single().Data;
        Assert.Equal("Rich()", data["text/plain"].GetString());
        Assert.Equal("<b>rich</b>", data["text/html"].GetString());
        Assert.StartsWith("<svg", data["image/svg+xml"].GetString(), StringComparison.Ordinal);
        Assert.Equal("$\\alpha$", data["text/latex"].GetString());
        Assert.Equal(JsonValueKind.Object, data["application/json"].ValueKind);
        Assert.Equal(2, data["application/json"].GetProperty("a")[1].GetInt32());
        Assert.Equal([0x89, .. "PNG\r\n\x1a\nfake"u8.ToArray()], Convert.FromBase64String(data["image/png"].GetString()!));
    }

    [Fact]
    public async Task ExecuteResult_IsSuppressedByATrailingSemicolonAndForNone()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        Assert.Empty((await h.RunAsync(s.Id, "1 + 1;")).Outputs);
        Assert.Empty((await h.RunAsync(s.Id, "None")).Outputs);
    }

    [HostFact(HostNeed.Pandas)]
    public async Task PandasDataFrame_ComesBackAsTextHtml()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, "import pandas as pd\npd.DataFrame({'name': ['a', 'b'], 'value': [1, 2]})");
        Assert.True(r.Status == CellStatus.Ok, r.Describe());
        var data = r.Outputs.OfType<ExecuteResultOutput>().Single().Data;
        var html = data["text/html"].GetString()!;
        Assert.Contains("<table", html, StringComparison.Ordinal);
        Assert.Contains("<th>name</th>", html, StringComparison.Ordinal);
        Assert.Contains("name", data["text/plain"].GetString(), StringComparison.Ordinal);
    }

    [HostFact(HostNeed.Matplotlib)]
    public async Task Matplotlib_ShownAndLeftOpenFigures_ComeBackAsRealPngs()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()\nfig = plt.figure()\nplt.bar(['a', 'b'], [3, 4]);");
        Assert.True(r.Status == CellStatus.Ok, r.Describe());
        var figures = r.Outputs.OfType<DisplayDataOutput>().ToList();
        Assert.Equal(2, figures.Count);
        foreach (var f in figures)
        {
            var png = Convert.FromBase64String(f.Data["image/png"].GetString()!);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            Assert.True(png.Length > 5_000, $"a {png.Length}-byte PNG is too small for a plot");
            // IHDR: width and height, big-endian, at bytes 16..23.
            var width = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19];
            var height = (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23];
            Assert.InRange(width, 300, 2000);
            Assert.InRange(height, 200, 2000);
            Assert.StartsWith("<Figure size", f.Data["text/plain"].GetString(), StringComparison.Ordinal);
        }
        // Figures are closed after being shown: the next cell shows nothing.
        Assert.Empty((await h.RunAsync(s.Id, "len(plt.get_fignums())")).Outputs.OfType<DisplayDataOutput>());
    }

    [Fact]
    public async Task Display_IsAvailableAsInIPython()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, "from IPython.display import display, HTML, Markdown\ndisplay(HTML('<i>hi</i>'))\ndisplay(Markdown('**b**'), 42)\nprint('after')");
        Assert.True(r.Status == CellStatus.Ok, r.Describe());
        var shown = r.Outputs.OfType<DisplayDataOutput>().ToList();
        Assert.Equal(3, shown.Count);
        Assert.Equal("<i>hi</i>", shown[0].Data["text/html"].GetString());
        Assert.Equal("**b**", shown[1].Data["text/markdown"].GetString());
        Assert.Equal("42", shown[2].Data["text/plain"].GetString());
        Assert.IsType<StreamOutput>(r.Outputs[^1]);
        // display() without any import, as in Jupyter.
        var plain = await h.RunAsync(s.Id, "display({'k': 1})");
        Assert.Equal("{'k': 1}", plain.Outputs.OfType<DisplayDataOutput>().Single().Data["text/plain"].GetString());
    }

    [Fact]
    public async Task Display_WorksWithoutIPythonInstalled()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(env: new Dictionary<string, string> { ["WARDEN_KERNEL_IPYTHON"] = "shim" });
        var r = await h.RunAsync(s.Id, "from IPython.display import display, HTML, SVG, Latex\ndisplay(HTML('<p>x</p>'), SVG('<svg/>'), Latex('$x$'))");
        Assert.True(r.Status == CellStatus.Ok, r.Describe());
        var shown = r.Outputs.OfType<DisplayDataOutput>().ToList();
        Assert.Equal("<p>x</p>", shown[0].Data["text/html"].GetString());
        Assert.Equal("<svg/>", shown[1].Data["image/svg+xml"].GetString());
        Assert.Equal("$x$", shown[2].Data["text/latex"].GetString());
    }

    [Fact]
    public async Task Error_HasNameValueAndTracebackWithoutAnsiOrKernelFrames()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, "def f():\n    raise ValueError('\\x1b[31mbad\\x1b[0m thing')\nf()");
        Assert.Equal(CellStatus.Error, r.Status);
        Assert.Equal(CellReason.Exception, r.Reason);
        var e = r.Error()!;
        Assert.Equal("ValueError", e.Ename);
        Assert.Equal("bad thing", e.Evalue);
        Assert.DoesNotContain(e.Traceback, l => l.Contains('\x1B', StringComparison.Ordinal));
        Assert.Contains(e.Traceback, l => l.Contains("<cell-1>", StringComparison.Ordinal) && l.Contains("f()", StringComparison.Ordinal));
        Assert.DoesNotContain(e.Traceback, l => l.Contains("<string>", StringComparison.Ordinal) || l.Contains("ast.py", StringComparison.Ordinal));
        // The session lives on with its state.
        Assert.Equal("<function f", (await h.RunAsync(s.Id, "f")).Text()?[..11]);
    }

    [Fact]
    public async Task SyntaxError_IsAnErrorOutputNamingTheLine()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, "x = 1\ndef broken(:\n    pass");
        Assert.Equal("SyntaxError", r.Error()!.Ename);
        Assert.Contains(r.Error()!.Traceback, l => l.Contains("line 2", StringComparison.Ordinal));
        Assert.Equal(CellStatus.Error, r.Status);
    }

    [Fact]
    public async Task TopLevelAwait_Works()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, "import asyncio\nawait asyncio.sleep(0.01)\n'done'");
        Assert.Equal("'done'", r.Text());
    }

    [HostFact(HostNeed.Matplotlib)]
    public async Task ChangedFiles_ReportWhatTheCellCreatedModifiedAndDeleted()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "open('keep.txt', 'w').write('a'); open('gone.txt', 'w').write('b'); open('same.txt', 'w').write('c')");
        var r = await h.RunAsync(s.Id, """
            import os, matplotlib.pyplot as plt
            os.makedirs('plots', exist_ok=True)
            plt.plot([1, 2]); plt.savefig('plots/fig.png'); plt.close('all')
            open('keep.txt', 'a').write('more')
            os.remove('gone.txt')
            """);
        Assert.True(r.Status == CellStatus.Ok, r.Describe());
        Assert.Equal(new[] { ("gone.txt", "deleted"), ("keep.txt", "modified"), ("plots/fig.png", "created") },
            r.ChangedFiles.Select(f => (f.Path, f.Change)).ToArray());
        Assert.True(r.ChangedFiles.Single(f => f.Path == "plots/fig.png").Size > 1000);
    }

    [Fact]
    public async Task Output_PastTheLimit_IsTruncatedAndTheSessionLives()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync(limits: new Policy.LimitsRequest { OutputBytes = 4096 });
        var r = await h.RunAsync(s.Id, "for i in range(20000): print('line', i)");
        Assert.Equal(CellStatus.Ok, r.Status);
        Assert.True(r.OutputTruncated);
        Assert.True(r.Stdout().Length <= 4096);
        Assert.Equal("2", (await h.RunAsync(s.Id, "1 + 1")).Text());
    }
}
