namespace Warden.Eval;

/// <summary>One completion for one problem. In JSON Lines: <c>task_id</c> and <c>completion</c>.</summary>
public sealed record Sample
{
    /// <summary>The problem this completes.</summary>
    public required string TaskId { get; init; }

    /// <summary>The code that continues the problem's prompt.</summary>
    public required string Completion { get; init; }
}
