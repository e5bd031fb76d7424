using Warden.Execution;
using Warden.Linux;

namespace Warden.Eval.Tests.Support;

/// <summary>The real, fully isolated runner (bubblewrap, seccomp, cgroups): needs root and bubblewrap.</summary>
internal static class Sandboxes
{
    /// <summary>The default runner: Python samples take the zygote fast path once it is up.</summary>
    public static Runner Runner => WardenEngine.Shared.Runner;

    private static readonly Lazy<Runner> Cold = new(() =>
    {
        var engine = WardenEngine.Create(new WardenEngineOptions
        {
            Engine = new Warden.Linux.Isolation.EngineOptions { FastPath = new Warden.Linux.FastPath.ZygoteOptions { Enabled = false } },
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => engine.Dispose();
        return engine.Runner;
    });

    /// <summary>
    /// A runner that starts a fresh sandbox per sample: the tests that count this process's
    /// descendants use it, since the fast path's zygote and prepared children are long-lived
    /// descendants by design.
    /// </summary>
    public static Runner ColdRunner => Cold.Value;

    public static async Task<List<SampleVerdict>> EvaluateAsync(IEnumerable<Problem> problems, IEnumerable<Sample> samples, EvalOptions? options = null, CancellationToken ct = default, Runner? runner = null)
    {
        var verdicts = new List<SampleVerdict>();
        await foreach (var v in new EvalHarness(runner ?? Runner, options).EvaluateAsync(problems, samples, ct)) verdicts.Add(v);
        return verdicts;
    }
}
