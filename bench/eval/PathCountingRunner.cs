using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Warden.Execution;

namespace Warden.Bench.Eval;

/// <summary>Passes requests through and counts which path (cold, pool, zygote) ran each.</summary>
internal sealed class PathCountingRunner(ISandboxRunner inner) : ISandboxRunner
{
    public ConcurrentDictionary<string, int> Paths { get; } = new();

    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        var result = await inner.RunAsync(request, cancellationToken);
        Paths.AddOrUpdate(result.Path, 1, (_, n) => n + 1);
        return result;
    }

    public async IAsyncEnumerable<RunEvent> StreamAsync(RunRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new RunCompleted(await RunAsync(request, cancellationToken));
    }
}
