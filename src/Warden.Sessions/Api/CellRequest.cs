namespace Warden.Sessions;

/// <summary>One cell to run in a session.</summary>
public sealed record CellRequest
{
    /// <summary>The code (at most 4 MiB of UTF-8).</summary>
    public required string Code { get; init; }

    /// <summary>
    /// Wall-clock limit of this cell in ms (default: the session's <c>limits.timeoutMs</c>). Past it the
    /// cell is interrupted; if it does not stop within the manager's grace period the kernel is
    /// killed and the session is lost with reason <c>timeout</c>.
    /// </summary>
    public int? TimeoutMs { get; init; }
}
