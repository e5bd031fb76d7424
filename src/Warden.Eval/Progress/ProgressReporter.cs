using System.Globalization;

namespace Warden.Eval.Progress;

/// <summary>
/// The progress of a run on stderr: a bar redrawn in place when stderr is a terminal, else a
/// plain line every <see cref="PlainInterval"/>. Shows done/total, the pass rate so far and
/// the ETA from this run's own pace (resumed samples are counted as done, not as pace).
/// </summary>
internal sealed class ProgressReporter(TextWriter output, bool isTerminal, TimeProvider time)
{
    /// <summary>How often a plain (non-terminal) line is written.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
    private const int BarWidth = 24;

    private readonly object _gate = new();
    private long _started;
    private TimeSpan _lastWrite = TimeSpan.MinValue;
    private int _writtenDone = -1;
    private int _total, _done, _ranNow, _judged, _passed, _unjudged;

    /// <summary>Starts the clock. <paramref name="resumed"/> are verdicts an earlier run already reached.</summary>
    public void Start(int total, IEnumerable<SampleVerdict> resumed)
    {
        lock (_gate)
        {
            _started = time.GetTimestamp();
            _total = total;
            foreach (var v in resumed) Count(v);
            Write(force: true);
        }
    }

    /// <summary>Counts one verdict of this run.</summary>
    public void Report(SampleVerdict verdict)
    {
        lock (_gate)
        {
            _ranNow++;
            Count(verdict);
            Write(force: _done == _total);
        }
    }

    /// <summary>Ends the bar's line.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_writtenDone != _done) Write(force: true);
            if (isTerminal) output.WriteLine();
        }
    }

    /// <summary>The progress line for the given counts.</summary>
    internal static string Format(int done, int total, int passed, int judged, int unjudged, TimeSpan elapsed, TimeSpan? eta)
    {
        var filled = total == 0 ? BarWidth : (int)((long)BarWidth * done / total);
        var rate = judged == 0 ? "-" : (100.0 * passed / judged).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        var line = $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {done}/{total}  pass {rate}  elapsed {Duration(elapsed)}  ETA {(eta is { } e ? Duration(e) : "-")}";
        return unjudged > 0 ? line + $"  not judged {unjudged}" : line;
    }

    private void Count(SampleVerdict v)
    {
        _done++;
        if (!v.IsJudged) _unjudged++;
        else
        {
            _judged++;
            if (v.Passed) _passed++;
        }
    }

    private void Write(bool force)
    {
        var elapsed = time.GetElapsedTime(_started);
        if (!force && elapsed - _lastWrite < (isTerminal ? RedrawInterval : PlainInterval)) return;
        _lastWrite = elapsed;
        _writtenDone = _done;
        TimeSpan? eta = _ranNow == 0 ? null : elapsed / _ranNow * (_total - _done);
        var line = Format(_done, _total, _passed, _judged, _unjudged, elapsed, eta);
        if (isTerminal) output.Write("\r\u001b[2K" + line);
        else output.WriteLine(line);
        output.Flush();
    }

    private static string Duration(TimeSpan t) => t.TotalSeconds < 60
        ? t.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + "s"
        : t.TotalHours < 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{(int)t.TotalHours}h{t.Minutes:00}m";
}
