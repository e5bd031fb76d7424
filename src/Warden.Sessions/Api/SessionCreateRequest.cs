using Warden.Policy;

namespace Warden.Sessions;

/// <summary>What a new session runs with. Every field is optional except <see cref="Language"/>.</summary>
public sealed record SessionCreateRequest
{
    /// <summary>Kernel language: <c>python</c> (aliases <c>py</c>, <c>python3</c>) or <c>javascript</c> (<c>js</c>, <c>node</c>).</summary>
    public required string Language { get; init; }

    /// <summary>
    /// Limits of the whole session (one sandbox, one cgroup): memory, tasks, CPU, disk and open
    /// files apply to everything the session runs together. <see cref="LimitsRequest.TimeoutMs"/> is the
    /// default per-cell (and per-command) timeout; <see cref="LimitsRequest.OutputBytes"/> caps the
    /// stream output of one cell or command.
    /// </summary>
    public LimitsRequest? Limits { get; init; }

    /// <summary>Environment variables of the kernel (and so of every cell and command). Nothing of the host's is passed.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary>Code run once when the session starts (not counted, outputs dropped); an error fails the creation.</summary>
    public string? InitCode { get; init; }

    /// <summary>Seconds without activity after which the reaper closes the session (default from the manager's options).</summary>
    public int? IdleTtlSeconds { get; init; }

    /// <summary>Seconds after creation at which the session is closed whatever it is doing (default from the manager's options).</summary>
    public int? MaxLifetimeSeconds { get; init; }
}
