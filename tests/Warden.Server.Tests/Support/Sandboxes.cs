using Warden.TestSupport;
using Warden.Linux.Isolation;

namespace Warden.Server.Tests.Support;

/// <summary>Sandbox cgroups of a backend that belong to runs (not to the fast path's zygote or its prepared children).</summary>
internal static class Sandboxes
{
    public static int OfRuns(LinuxSandboxBackend backend) => Leftovers.RunCgroupDirs(backend).Count;
}
