using Warden.Policy;

namespace Warden.Linux.Cgroups;

/// <summary>Creates and removes per-sandbox cgroups on one cgroup version.</summary>
internal interface ICgroupDriver
{
    /// <summary><c>v1</c> or <c>v2</c>.</summary>
    string Version { get; }

    /// <summary>Creates the cgroup <paramref name="name"/> with the limits set. The caller joins it through <see cref="SandboxCgroup.ProcsFiles"/>.</summary>
    SandboxCgroup Create(string name, Limits limits, int pidsMax);

    /// <summary>Removes leftovers of Warden processes that are gone (a crash); returns how many cgroups were removed.</summary>
    int SweepStale();

    /// <summary>Removes this process's parent cgroup (on shutdown, when empty).</summary>
    void RemoveOwnParent();

    /// <summary>A tasks (v1) file a warming thread may move itself into and out of, or null.</summary>
    (string Into, string Back)? WarmTasksFiles { get; }
}
