namespace Warden.Linux.Tests.Cgroups;

/// <summary>A directory tree shaped like cgroupfs, in a temp directory, for unit-testing the writers.</summary>
internal sealed class FakeCgroupTree : IDisposable
{
    public FakeCgroupTree() => Root = Directory.CreateTempSubdirectory("warden-fakecg-").FullName;

    public string Root { get; }

    public string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public string Read(params string[] parts) => File.ReadAllText(Path(parts));

    public void Write(string value, params string[] parts)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path(parts))!);
        File.WriteAllText(Path(parts), value);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
