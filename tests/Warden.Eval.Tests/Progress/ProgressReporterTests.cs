using Warden.Eval.Progress;
using Warden.Eval.Tests.Support;
using static Warden.Eval.VerdictOutcome;

namespace Warden.Eval.Tests.Progress;

public sealed class ProgressReporterTests
{
    [Fact]
    public void Format_ShowsDoneTotalPassRateAndEta()
    {
        var line = ProgressReporter.Format(done: 41, total: 164, passed: 40, judged: 41, unjudged: 0, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
        Assert.Equal("[######..................] 41/164  pass 97.6%  elapsed 10s  ETA 30s", line);
    }

    [Fact]
    public void Format_CountsUnjudgedSamplesApart()
    {
        var line = ProgressReporter.Format(3, 3, 0, 0, 3, TimeSpan.FromMinutes(2), null);
        Assert.Equal("[########################] 3/3  pass -  elapsed 2m00s  ETA -  not judged 3", line);
    }

    [Fact]
    public void Reporter_NotATerminal_WritesPlainLinesEveryIntervalAndAtTheEnd()
    {
        var clock = new ManualTimeProvider();
        var output = new StringWriter();
        var progress = new ProgressReporter(output, isTerminal: false, clock);
        progress.Start(4, [Verdict.Of("A", 0, Passed)]);
        progress.Report(Verdict.Of("A", 1, Failed));
        clock.Advance(ProgressReporter.PlainInterval);
        progress.Report(Verdict.Of("A", 2, Passed));
        progress.Report(Verdict.Of("A", 3, Passed));
        progress.Finish();
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // start, after the interval, at 4/4 (finish adds nothing new)
        Assert.StartsWith("[######..................] 1/4  pass 100.0%", lines[0]);
        // ETA from this run's pace: 2 samples in 10 s, 1 left.
        Assert.EndsWith("3/4  pass 66.7%  elapsed 10s  ETA 5s", lines[1]);
        Assert.Contains("4/4  pass 75.0%", lines[2]);
        Assert.DoesNotContain('\r', output.ToString());
    }

    [Fact]
    public void Reporter_OnATerminal_RedrawsOneLine()
    {
        var output = new StringWriter();
        var progress = new ProgressReporter(output, isTerminal: true, new ManualTimeProvider());
        progress.Start(1, []);
        progress.Report(Verdict.Of("A", 0, Passed));
        progress.Finish();
        Assert.StartsWith("\r\u001b[2K[", output.ToString());
        Assert.EndsWith("\n", output.ToString());
        Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
