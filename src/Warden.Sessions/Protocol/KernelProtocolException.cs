namespace Warden.Sessions.Protocol;

/// <summary>The kernel broke the protocol (a message too long, malformed, or of the wrong shape).</summary>
internal sealed class KernelProtocolException(string message) : Exception(message);
