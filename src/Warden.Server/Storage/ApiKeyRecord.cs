using Warden.Server.Auth;

namespace Warden.Server.Storage;

/// <summary>A stored API key: its public id (the key's prefix) and the SHA-256 of the whole key, never the key.</summary>
internal sealed record ApiKeyRecord
{
    public required string Id { get; init; }
    public required byte[] Hash { get; init; }
    public required Role Role { get; init; }
    public required string Owner { get; init; }
    public string? Name { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}
