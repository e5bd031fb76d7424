using System.Text.Json;
using Warden.Eval.Json;

namespace Warden.Eval;

/// <summary>
/// The results file of a run: one verdict per line in HumanEval's snake_case shape
/// (<c>task_id</c>, <c>completion_id</c>, <c>passed</c>, <c>result</c>, ...), appended and
/// flushed line by line so that an interrupted run can resume from it. On opening, the
/// verdicts already there are read; a last line without its newline (a write cut short) is
/// dropped from the file.
/// </summary>
public sealed class ResultsFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly object _gate = new();

    private ResultsFile(FileStream stream, List<SampleVerdict> previous)
    {
        _stream = stream;
        Previous = previous;
        Judged = Verdicts.LastPerKey(previous).Where(v => v.IsJudged).Select(v => v.Key).ToHashSet();
    }

    /// <summary>The verdicts the file held when it was opened, in file order.</summary>
    public IReadOnlyList<SampleVerdict> Previous { get; }

    /// <summary>
    /// The samples whose last verdict in the file is a judgement (passed, failed, timed out):
    /// a resumed run skips these. Infrastructure errors and skipped samples are run again.
    /// </summary>
    public IReadOnlySet<SampleKey> Judged { get; }

    /// <summary>Opens (or creates) <paramref name="path"/> for appending and reads what it holds.</summary>
    /// <exception cref="InvalidDataException">A complete line is not a verdict; the message names the line.</exception>
    /// <exception cref="IOException">The file cannot be opened, or another run has it open (an exclusive advisory lock).</exception>
    public static ResultsFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            var complete = bytes.AsSpan(0, bytes.AsSpan().LastIndexOf((byte)'\n') + 1);
            var previous = Parse(path, complete);
            stream.SetLength(complete.Length);
            stream.Position = complete.Length;
            return new ResultsFile(stream, previous);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends <paramref name="verdict"/> as one line and flushes it to the operating system.</summary>
    public void Append(SampleVerdict verdict)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(verdict, HumanEvalJsonContext.Default.SampleVerdict);
        lock (_gate)
        {
            _stream.Write(line);
            _stream.WriteByte((byte)'\n');
            _stream.Flush();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    private static List<SampleVerdict> Parse(string path, ReadOnlySpan<byte> content)
    {
        var verdicts = new List<SampleVerdict>();
        var number = 0;
        foreach (var range in content.Split((byte)'\n'))
        {
            number++;
            var line = content[range];
            if (line.Trim(" \t\r"u8).IsEmpty) continue;
            try
            {
                verdicts.Add(JsonSerializer.Deserialize(line, HumanEvalJsonContext.Default.SampleVerdict)
                    ?? throw new JsonException("null record"));
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} line {number} is not a verdict: {ex.Message}", ex);
            }
        }
        return verdicts;
    }
}
