namespace Warden.Eval;

/// <summary>
/// Identifies a sample within a run: its task and its completion id, the 0-based index of the
/// sample among the samples of the same task, in input order.
/// </summary>
/// <param name="TaskId">The problem's id.</param>
/// <param name="CompletionId">The sample's index among its task's samples.</param>
public readonly record struct SampleKey(string TaskId, int CompletionId);
