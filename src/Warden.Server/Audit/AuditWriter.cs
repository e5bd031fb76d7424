using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Server.Configuration;
using Warden.Server.Storage;

namespace Warden.Server.Audit;

/// <summary>
/// Writes audit records in the background, in batches, so that a slow disk never delays a
/// response. Bounded: when the queue is full the request that adds a record waits (records are
/// never dropped). Stopped last, after the server: every queued record is written before exit.
/// </summary>
internal sealed partial class AuditWriter : IHostedService, IAsyncDisposable
{
    private readonly Channel<AuditRecord> _queue;
    private readonly IWardenStore _store;
    private readonly ILogger<AuditWriter> _log;
    private readonly TimeProvider _time;
    private readonly int _retentionDays;
    private Task? _writer;
    private long _written;

    public AuditWriter(IWardenStore store, ServerSettings settings, ILogger<AuditWriter> log, TimeProvider time)
    {
        _store = store;
        _log = log;
        _time = time;
        _retentionDays = settings.Options.Audit.RetentionDays;
        _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(settings.Options.Audit.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Records written so far by this process.</summary>
    public long Written => Interlocked.Read(ref _written);

    public ValueTask EnqueueAsync(AuditRecord record)
    {
        if (_queue.Writer.TryWrite(record)) return ValueTask.CompletedTask;
        return _queue.Writer.WriteAsync(record);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_retentionDays > 0)
        {
            var removed = _store.DeleteAuditBefore(_time.GetUtcNow().AddDays(-_retentionDays));
            if (removed > 0) LogPruned(removed, _retentionDays);
        }
        _writer = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await FlushAndStopAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync() => await FlushAndStopAsync().ConfigureAwait(false);

    private async Task FlushAndStopAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is { } w) await w.ConfigureAwait(false);
    }

    private async Task WriteLoop()
    {
        var batch = new List<AuditRecord>(256);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < 1024 && reader.TryRead(out var r)) batch.Add(r);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    _store.AppendAudit(batch);
                    Interlocked.Add(ref _written, batch.Count);
                    break;
                }
                catch (Exception ex) when (attempt < 60)
                {
                    // Busy or full disk: keep the batch and retry; requests keep flowing until the queue fills.
                    LogWriteFailed(ex, batch.Count, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * attempt))).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    LogDropped(ex, batch.Count);
                    break;
                }
            }
            batch.Clear();
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Writing {Count} audit records failed (attempt {Attempt}); retrying")]
    private partial void LogWriteFailed(Exception ex, int count, int attempt);

    [LoggerMessage(EventId = 301, Level = LogLevel.Critical, Message = "Lost {Count} audit records: the store kept failing")]
    private partial void LogDropped(Exception ex, int count);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Deleted {Count} audit records older than {Days} days")]
    private partial void LogPruned(int count, int days);
}
