using System.IO.Compression;
using System.Text;
using Warden.Eval;
using Warden.Eval.Tests.Support;

namespace Warden.Eval.Tests.Io;

public sealed class EvalFilesTests
{
    private const string ProblemLine =
        "{\"task_id\":\"X/0\",\"prompt\":\"def f():\\n\",\"canonical_solution\":\"    return 1\\n\",\"test\":\"def check(c): pass\\n\",\"entry_point\":\"f\",\"extra\":[1,2]}";

    [Fact]
    public void ReadProblems_ReadsHumanEvalFieldsAndIgnoresOthers()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.jsonl"), ProblemLine + "\n\n");
        var p = Assert.Single(EvalFiles.ReadProblems(dir.File("p.jsonl")));
        Assert.Equal(("X/0", "f", "    return 1\n", null), (p.TaskId, p.EntryPoint, p.CanonicalSolution, p.Language));
    }

    [Fact]
    public void ReadProblems_GzipIsDetectedByContentNotName()
    {
        using var dir = new TempDir();
        using (var gz = new GZipStream(File.Create(dir.File("problems.jsonl")), CompressionLevel.Fastest))
            gz.Write(Encoding.UTF8.GetBytes(ProblemLine + "\n"));
        Assert.Single(EvalFiles.ReadProblems(dir.File("problems.jsonl")));
    }

    [Theory]
    [InlineData("{\"task_id\":\"X/0\"}")]
    [InlineData("{\"task_id\":null,\"completion\":\"x\"}")]
    [InlineData("[1,2]")]
    [InlineData("{\"task_id\":\"X/0\",\"completion\":")]
    public void ReadSamples_MalformedLine_IsAnErrorNamingFileAndLine(string bad)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("s.jsonl"), "{\"task_id\":\"X/0\",\"completion\":\"x\"}\n" + bad + "\n");
        var ex = Assert.Throws<InvalidDataException>(() => EvalFiles.ReadSamples(dir.File("s.jsonl")));
        Assert.StartsWith("s.jsonl line 2:", ex.Message);
    }

    [Fact]
    public void CanonicalSamples_UseTheCanonicalSolutionAsCompletion()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.jsonl"), ProblemLine + "\n");
        var s = Assert.Single(EvalFiles.CanonicalSamples(EvalFiles.ReadProblems(dir.File("p.jsonl"))));
        Assert.Equal(("X/0", "    return 1\n"), (s.TaskId, s.Completion));
    }
}
