namespace Warden.Server.Storage;

/// <summary>A page of the audit log, newest first.</summary>
internal sealed record AuditQuery
{
    public int Limit { get; init; } = 100;
    public long? BeforeId { get; init; }
    public string? Owner { get; init; }
    public string? KeyId { get; init; }
    public string? Action { get; init; }
}
