namespace Warden.Sessions.Protocol;

/// <summary>The kernel's connection ended while an operation waited for it.</summary>
internal sealed class KernelGoneException(KernelEnd end) : Exception("The kernel is gone.")
{
    public KernelEnd End { get; } = end;
}
