using Warden.Execution;
using Warden.Linux;

namespace Warden.Eval.Tests.Support;

/// <summary>The real, fully isolated runner (bubblewrap, seccomp, cgroups): needs root and bubblewrap.</summary>
internal static class Sandboxes
{
    public static Runner Runner => WardenEngine.CreateRunner();

    public static async Task<List<SampleVerdict>> EvaluateAsync(IEnumerable<Problem> problems, IEnumerable<Sample> samples, EvalOptions? options = null, CancellationToken ct = default)
    {
        var verdicts = new List<SampleVerdict>();
        await foreach (var v in new EvalHarness(Runner, options).EvaluateAsync(problems, samples, ct)) verdicts.Add(v);
        return verdicts;
    }
}
