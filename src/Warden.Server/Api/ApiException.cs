namespace Warden.Server.Api;

/// <summary>A request refused with a specific HTTP status and error code; the message is safe to send.</summary>
internal sealed class ApiException(int status, string code, string message, TimeSpan? retryAfter = null) : WardenException(code, message)
{
    public int Status { get; } = status;
    public TimeSpan? RetryAfter { get; } = retryAfter;
    /// <summary>The JSON path of the field at fault, when one is.</summary>
    public string? Field { get; init; }
}
