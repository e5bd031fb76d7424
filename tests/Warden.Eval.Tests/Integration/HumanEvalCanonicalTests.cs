using Warden.Eval;
using Warden.Eval.Tests.Support;

namespace Warden.Eval.Tests.Integration;

/// <summary>The 164 reference solutions of HumanEval, each in its own real sandbox.</summary>
[Collection(SandboxCollection.Name)]
public sealed class HumanEvalCanonicalTests
{
    [Fact]
    public async Task Evaluate_All164CanonicalSolutions_PassWithPassAt1OfOne()
    {
        var problems = EvalFiles.ReadProblems(HumanEvalData.Path);
        Assert.Equal(164, problems.Count);
        var verdicts = await Sandboxes.EvaluateAsync(problems, EvalFiles.CanonicalSamples(problems));

        var notPassed = verdicts.Where(v => !v.Passed).Select(v => $"{v.TaskId}: {v.Result}").ToList();
        Assert.True(notPassed.Count == 0, string.Join("\n", notPassed));
        var summary = EvalSummary.Compute(verdicts, [1]);
        Assert.Equal(164, summary.Tasks);
        Assert.Equal(1.0, summary.PassAtK["pass@1"]);
    }
}
