using System.Text.Json;
using Warden.Eval;
using Warden.Eval.Tests.Support;
using static Warden.Eval.VerdictOutcome;

namespace Warden.Eval.Tests.Io;

public sealed class ResultsFileTests
{
    [Fact]
    public void Append_WritesOneSnakeCaseLinePerVerdict()
    {
        using var dir = new TempDir();
        using (var f = ResultsFile.Open(dir.File("r.jsonl")))
        {
            f.Append(Verdict.Of("HumanEval/0", 0, Passed));
            f.Append(Verdict.Of("HumanEval/0", 1, TimedOut));
        }
        var lines = File.ReadAllLines(dir.File("r.jsonl"));
        Assert.Equal(2, lines.Length);
        using var doc = JsonDocument.Parse(lines[1]);
        Assert.Equal("HumanEval/0", doc.RootElement.GetProperty("task_id").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("completion_id").GetInt32());
        Assert.False(doc.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal("timed out", doc.RootElement.GetProperty("result").GetString());
        Assert.Equal("timed-out", doc.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public void Open_ReadsEarlierVerdicts_AndRetriesOnlyUnjudgedOnes()
    {
        using var dir = new TempDir();
        using (var f = ResultsFile.Open(dir.File("r.jsonl")))
        {
            f.Append(Verdict.Of("A", 0, Passed));
            f.Append(Verdict.Of("A", 1, InfrastructureError));
            f.Append(Verdict.Of("A", 2, Skipped));
            f.Append(Verdict.Of("A", 3, InfrastructureError));
            f.Append(Verdict.Of("A", 3, Failed));
        }
        using var again = ResultsFile.Open(dir.File("r.jsonl"));
        Assert.Equal(5, again.Previous.Count);
        Assert.Equal(new HashSet<SampleKey> { new("A", 0), new("A", 3) }, again.Judged.ToHashSet());
    }

    [Fact]
    public void Open_TruncatedLastLine_IsIgnoredAndCutFromTheFile()
    {
        using var dir = new TempDir();
        using (var f = ResultsFile.Open(dir.File("r.jsonl"))) f.Append(Verdict.Of("A", 0, Passed));
        File.AppendAllText(dir.File("r.jsonl"), "{\"task_id\":\"A\",\"completion_id\":1,\"pas");
        using (var f = ResultsFile.Open(dir.File("r.jsonl")))
        {
            Assert.Single(f.Previous);
            f.Append(Verdict.Of("A", 1, Failed));
        }
        var lines = File.ReadAllLines(dir.File("r.jsonl"));
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
    }

    [Fact]
    public void Open_MalformedCompleteLine_IsAnErrorNamingTheLine()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("r.jsonl"), "not json\n{}\n");
        var ex = Assert.Throws<InvalidDataException>(() => ResultsFile.Open(dir.File("r.jsonl")));
        Assert.Contains("line 1", ex.Message);
    }

    [Fact]
    public void Open_WhileAnotherRunHasTheFile_Fails()
    {
        using var dir = new TempDir();
        using var first = ResultsFile.Open(dir.File("r.jsonl"));
        Assert.Throws<IOException>(() => ResultsFile.Open(dir.File("r.jsonl")));
    }
}
