namespace Warden.Sessions.Protocol;

/// <summary>A request to the kernel (one JSON object per line); unset fields are not written.</summary>
internal sealed class KernelRequest
{
    public required string Op { get; init; }
    public string? Id { get; init; }
    public string? Target { get; init; }
    // execute
    public string? Code { get; init; }
    public int? Count { get; init; }
    public bool? Silent { get; init; }
    public long? MaxOutputBytes { get; init; }
    // files
    public string? Path { get; init; }
    public long? MaxBytes { get; init; }
    public string? Data { get; init; }
    public int? Length { get; init; }
    public bool? Recursive { get; init; }
    public int? MaxEntries { get; init; }
    // command
    public string? Command { get; init; }
    public IReadOnlyList<string>? Argv { get; init; }
    public string? Cwd { get; init; }
    public IReadOnlyDictionary<string, string>? Env { get; init; }
    public string? Stdin { get; init; }
    public int? TimeoutMs { get; init; }
}
