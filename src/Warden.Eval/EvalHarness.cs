using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using Warden.Eval.Languages;
using Warden.Execution;
using Warden.Policy;

namespace Warden.Eval;

/// <summary>
/// Judges samples of HumanEval-format problems, each in its own sandbox, up to
/// <see cref="EvalOptions.Parallelism"/> at once. A sample passes only when the problem's
/// checks ran and returned; a failure of Warden itself is an infrastructure error, never a
/// failed sample.
/// </summary>
public sealed class EvalHarness
{
    private readonly ISandboxRunner _runner;
    private readonly EvalOptions _options;
    private readonly LimitsRequest _limits;
    private readonly EvalLanguages _languages;

    /// <summary>Creates a harness over <paramref name="runner"/>.</summary>
    /// <exception cref="InvalidRequestException">The options are out of bounds.</exception>
    public EvalHarness(ISandboxRunner runner, EvalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        _runner = runner;
        _options = options ?? new EvalOptions();
        _limits = _options.ResolveLimits();
        _languages = new EvalLanguages(_options.PlainReturnValuesOnly);
    }

    /// <summary>
    /// Judges every sample and yields each verdict as soon as it is reached (not in input
    /// order). Completion ids are the index of a sample among those of its task, in input
    /// order; samples in <see cref="EvalOptions.Completed"/> are counted but not run.
    /// Stopping the enumeration early kills the sandboxes still running.
    /// </summary>
    /// <exception cref="InvalidRequestException">Two problems share a task id, or a sample names an unknown one.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled; every sandbox was reaped first.</exception>
    public async IAsyncEnumerable<SampleVerdict> EvaluateAsync(
        IEnumerable<Problem> problems, IEnumerable<Sample> samples,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var byId = IndexProblems(problems);
        var verdicts = Channel.CreateUnbounded<SampleVerdict>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(byId, samples, verdicts.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var v in verdicts.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                yield return v;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await producer.ConfigureAwait(false); } catch { /* surfaced through the channel */ }
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Judges one completion of <paramref name="problem"/> in its own sandbox.</summary>
    /// <exception cref="OperationCanceledException">The caller cancelled; the sandbox was reaped first.</exception>
    public async Task<SampleVerdict> EvaluateSampleAsync(Problem problem, string completion, int completionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(completion);
        var started = _options.TimeProvider.GetTimestamp();
        var language = _languages.For(problem);
        var nonce = RandomNumberGenerator.GetHexString(32, lowercase: true);
        Judgement judgement;
        RunResult? result = null;
        try
        {
            result = await _runner.RunAsync(language.Build(problem, completion, nonce, _limits), cancellationToken).ConfigureAwait(false);
            judgement = language.Judge(problem, result, nonce);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (LanguageUnavailableException ex)
        {
            judgement = Judgement.Skip(ex.Message);
        }
        catch (InvalidRequestException ex)
        {
            // The harness's own options were validated up front, so what is left is the sample's (too large, a NUL byte).
            judgement = Judgement.Fail("invalid sample: " + ex.Message);
        }
        catch (WardenException ex)
        {
            judgement = Judgement.Infrastructure(ex.Message);
        }
        catch (Exception ex)
        {
            judgement = Judgement.Infrastructure($"{ex.GetType().Name}: {ex.Message}");
        }
        return new SampleVerdict
        {
            TaskId = problem.TaskId,
            CompletionId = completionId,
            Passed = judgement.Outcome == VerdictOutcome.Passed,
            Result = judgement.Result,
            Outcome = judgement.Outcome,
            Reason = result?.Reason,
            DurationMs = Math.Round(_options.TimeProvider.GetElapsedTime(started).TotalMilliseconds, 2),
        };
    }

    private static Dictionary<string, Problem> IndexProblems(IEnumerable<Problem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var byId = new Dictionary<string, Problem>(StringComparer.Ordinal);
        foreach (var p in problems)
            if (!byId.TryAdd(p.TaskId, p))
                throw new InvalidRequestException("problems", $"Two problems have task_id '{p.TaskId}'.");
        return byId;
    }

    private async Task ProduceAsync(Dictionary<string, Problem> problems, IEnumerable<Sample> samples, ChannelWriter<SampleVerdict> verdicts, CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(_options.Parallelism);
        // Cancelled on a bad sample too, so that the runs already started are killed.
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new List<Task>();
        var nextId = new Dictionary<string, int>(StringComparer.Ordinal);
        Exception? failure = null;
        try
        {
            var index = 0;
            foreach (var sample in samples)
            {
                if (!problems.TryGetValue(sample.TaskId, out var problem))
                    throw new InvalidRequestException($"samples[{index}].task_id", $"Sample {index} names task_id '{sample.TaskId}', which is not among the problems.");
                index++;
                var id = nextId.GetValueOrDefault(sample.TaskId);
                nextId[sample.TaskId] = id + 1;
                if (_options.Completed?.Contains(new SampleKey(sample.TaskId, id)) == true) continue;
                await slots.WaitAsync(abort.Token).ConfigureAwait(false);
                running.RemoveAll(t => t.IsCompletedSuccessfully);
                running.Add(RunOneAsync(problem, sample.Completion, id, slots, verdicts, abort.Token));
            }
        }
        catch (Exception ex)
        {
            failure = ex;
            await abort.CancelAsync().ConfigureAwait(false);
        }
        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure ??= ex;
        }
        verdicts.TryComplete(failure);
    }

    private async Task RunOneAsync(Problem problem, string completion, int id, SemaphoreSlim slots, ChannelWriter<SampleVerdict> verdicts, CancellationToken ct)
    {
        try
        {
            var verdict = await EvaluateSampleAsync(problem, completion, id, ct).ConfigureAwait(false);
            await verdicts.WriteAsync(verdict, ct).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }
}
