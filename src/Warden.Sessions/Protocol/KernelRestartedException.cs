namespace Warden.Sessions.Protocol;

/// <summary>The kernel was restarted while an operation waited for it.</summary>
internal sealed class KernelRestartedException() : Exception("The kernel was restarted.");
