using System.Diagnostics;

namespace Warden.Bench;

/// <summary>
/// <c>docker run</c> as a baseline, when a Docker engine is running on this machine. The image
/// (<c>warden-bench-python:local</c>) is built from this host's own python3 and Debian packages by
/// <c>bench/docker/make-image.sh</c> (no registry needed), so a container runs the very
/// interpreter and libraries Warden's sandboxes run. Every run is a fresh container with no
/// network, a tmpfs /tmp and /workspace, and Warden's HOME and matplotlib backend.
/// </summary>
internal sealed class Docker
{
    public const string Image = "warden-bench-python:local";

    private readonly string _client;

    private Docker(string client, string version)
    {
        _client = client;
        Version = version;
    }

    /// <summary>The engine's version.</summary>
    public string Version { get; }

    /// <summary>What the results file says about Docker: measured (with the engine's version), or why not.</summary>
    public static string Describe(Docker? docker, string why) => docker is null
        ? why
        : $"Docker engine {docker.Version} running (started by hand); `docker run --rm --network none` of `{Image}` (built by bench/docker/make-image.sh from this host's python3 and packages), fresh container per run";

    /// <summary>A usable Docker (engine running, image present or built now), or null and why not.</summary>
    public static (Docker? Docker, string Why) Probe()
    {
        var client = new[] { "/usr/local/bin/docker", "/usr/bin/docker" }.FirstOrDefault(File.Exists);
        if (client is null) return (null, "no docker client installed, so `docker run` was not measured (MEASUREMENTS.md has ~320 ms p50 from an earlier hand-started engine)");
        var (code, version) = Run(client, "info", "--format", "{{.ServerVersion}}");
        if (code != 0) return (null, "no Docker engine is running on this machine, so `docker run` was not measured (MEASUREMENTS.md has ~320 ms p50 from an earlier hand-started engine; `dockerd &` and `bench/docker/make-image.sh` add it)");
        if (Run(client, "image", "inspect", Image).Code != 0)
        {
            var script = Path.Combine(Repo.Root, "bench", "docker", "make-image.sh");
            Console.Error.WriteLine($"building {Image} with {script} ...");
            var (built, output) = Run("/bin/bash", script, Image);
            if (built != 0) return (null, $"a Docker engine is running but the image could not be built, so `docker run` was not measured: {output.Trim().Split('\n').LastOrDefault()}");
        }
        return (new Docker(client, version.Trim()), "");
    }

    /// <summary>One fresh container running /usr/bin/python3 -c CODE; true when it printed what the bench expects.</summary>
    public Task<bool> RunPython(string code) => OneShotBench.Spawn(_client,
    [
        "docker", "run", "--rm", "--network", "none", "--tmpfs", "/tmp", "--tmpfs", "/workspace", "-w", "/workspace",
        "-e", "HOME=/workspace", "-e", "LANG=C.UTF-8", "-e", "MPLBACKEND=Agg", Image, "/usr/bin/python3", "-c", code,
    ], null);

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(600_000)) p.Kill(entireProcessTree: true);
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
