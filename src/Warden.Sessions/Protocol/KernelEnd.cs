using Warden.Sandbox;

namespace Warden.Sessions.Protocol;

/// <summary>How a kernel's sandbox ended: the engine's outcome, and a protocol violation if that is why we killed it.</summary>
internal sealed record KernelEnd(SandboxOutcome Outcome, string? ProtocolError);
