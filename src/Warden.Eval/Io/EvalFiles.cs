using Warden.Eval.Io;
using Warden.Eval.Json;

namespace Warden.Eval;

/// <summary>Reads HumanEval-format problem and sample files (JSON Lines, optionally gzip-compressed).</summary>
public static class EvalFiles
{
    /// <summary>Reads problems: <c>task_id</c>, <c>prompt</c>, <c>test</c>, <c>entry_point</c>, optional <c>language</c>.</summary>
    /// <exception cref="InvalidDataException">A line is malformed; the message names the file and line.</exception>
    public static List<Problem> ReadProblems(string path) => JsonLines.Read(path, HumanEvalJsonContext.Default.Problem);

    /// <summary>Reads samples: <c>task_id</c> and <c>completion</c>.</summary>
    /// <exception cref="InvalidDataException">A line is malformed; the message names the file and line.</exception>
    public static List<Sample> ReadSamples(string path) => JsonLines.Read(path, HumanEvalJsonContext.Default.Sample);

    /// <summary>The problems' reference solutions as samples, one per problem that has one.</summary>
    public static List<Sample> CanonicalSamples(IEnumerable<Problem> problems) =>
        problems.Where(p => p.CanonicalSolution is not null)
            .Select(p => new Sample { TaskId = p.TaskId, Completion = p.CanonicalSolution! })
            .ToList();
}
