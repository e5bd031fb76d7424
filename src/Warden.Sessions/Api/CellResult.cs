namespace Warden.Sessions;

/// <summary>The complete answer to one cell.</summary>
public sealed record CellResult
{
    /// <summary>The cell's number in the session (Jupyter's execution count).</summary>
    public int ExecutionCount { get; init; }
    /// <summary>How it ended.</summary>
    public CellStatus Status { get; init; }
    /// <summary>Why it did not end <c>ok</c>; null when it did.</summary>
    public CellReason? Reason { get; init; }
    /// <summary>Jupyter-shaped outputs in order (consecutive stream chunks of one stream merged).</summary>
    public IReadOnlyList<CellOutput> Outputs { get; init; } = [];
    /// <summary>Files under /workspace the cell created, modified or deleted.</summary>
    public IReadOnlyList<ChangedFile> ChangedFiles { get; init; } = [];
    /// <summary>Whether some output was dropped at the session's output limits.</summary>
    public bool OutputTruncated { get; init; }
    /// <summary>Wall time from sending the cell to its last message, ms.</summary>
    public double WallMs { get; init; }
}
