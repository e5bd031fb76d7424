using System.Runtime.CompilerServices;
using Warden.Execution;

namespace Warden.Server.Quotas;

/// <summary>
/// The server-wide cap on sandboxes at once (Server:MaxConcurrentRuns), all principals together:
/// a run waits for a slot (cancellably) rather than overcommitting the host.
/// </summary>
internal sealed class GatedRunner(ISandboxRunner inner, int slots) : ISandboxRunner, IDisposable
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await inner.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public async IAsyncEnumerable<RunEvent> StreamAsync(RunRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var e in inner.StreamAsync(request, cancellationToken).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
