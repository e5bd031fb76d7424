using System.Text;
using Warden.Sessions.Tests.Support;
using Warden.TestSupport;

namespace Warden.Sessions.Tests.Files;

/// <summary>Upload, download, list and delete inside the workspace, performed by the kernel inside the sandbox.</summary>
[Collection(SessionCollection.Name)]
public sealed class FileOperationTests(EngineFixture engine)
{
    private static MemoryStream Bytes(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public async Task Upload_ThenCodeReadsIt_AndDownloadReturnsTheSameBytes()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var content = new byte[700_000];
        new Random(7).NextBytes(content);
        var entry = await h.Manager.UploadAsync(s.Id, SessionHarness.Owner, "data/in/blob.bin", new MemoryStream(content));
        Assert.Equal(("data/in/blob.bin", "file", 700_000L), (entry.Path, entry.Type, entry.Size));
        Assert.Equal("700000", (await h.RunAsync(s.Id, "len(open('data/in/blob.bin', 'rb').read())")).Text());
        await using var download = await h.Manager.DownloadAsync(s.Id, SessionHarness.Owner, "data/in/blob.bin");
        Assert.Equal(700_000, download.Entry.Size);
        Assert.Equal(content, await download.ReadAllBytesAsync());
    }

    [HostFact(HostNeed.Pandas)]
    public async Task Upload_ReplacesAFile_AndCsvIsUsableFromPandas()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.Manager.UploadAsync(s.Id, SessionHarness.Owner, "t.csv", Bytes("a,b\n1,2\n"));
        await h.Manager.UploadAsync(s.Id, SessionHarness.Owner, "t.csv", Bytes("a,b\n1,2\n3,4\n"));
        Assert.Equal("2", (await h.RunAsync(s.Id, "import pandas as pd\nlen(pd.read_csv('t.csv'))")).Text());
    }

    [Fact]
    public async Task List_ShowsFilesDirectoriesAndLinksWithoutFollowingThem()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "import os\nos.makedirs('d/e')\nopen('d/e/f.txt', 'w').write('hello')\nos.symlink('/etc', 'link')\nos.mkfifo('pipe')");
        var top = await h.Manager.ListFilesAsync(s.Id, SessionHarness.Owner);
        Assert.Equal(new[] { ("d", "directory"), ("link", "symlink"), ("pipe", "other") }, top.Select(e => (e.Path, e.Type)).ToArray());
        var all = await h.Manager.ListFilesAsync(s.Id, SessionHarness.Owner, recursive: true);
        Assert.Contains(all, e => e.Path == "d/e/f.txt" && e.Size == 5 && e.Type == "file");
        Assert.DoesNotContain(all, e => e.Path.StartsWith("link/", StringComparison.Ordinal));
        var sub = await h.Manager.ListFilesAsync(s.Id, SessionHarness.Owner, "d/e");
        Assert.Equal("d/e/f.txt", Assert.Single(sub).Path);
        // Listing a link shows the link itself, never what it points to.
        Assert.Equal(("link", "symlink"), (await h.Manager.ListFilesAsync(s.Id, SessionHarness.Owner, "link")).Select(e => (e.Path, e.Type)).Single());
        var through = await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.ListFilesAsync(s.Id, SessionHarness.Owner, "link/ssl"));
        Assert.Equal("file-symlink", through.Code);
    }

    [Fact]
    public async Task Delete_RemovesFilesLinksAndDirectories_NeverALinksTarget()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "import os\nos.makedirs('keep')\nopen('keep/k.txt', 'w').write('k')\nos.symlink('keep', 'to-keep')\nos.makedirs('tree/a')\nopen('tree/a/x', 'w').write('x')\nopen('f', 'w').write('f')");
        await h.Manager.DeleteFileAsync(s.Id, SessionHarness.Owner, "to-keep");
        await h.Manager.DeleteFileAsync(s.Id, SessionHarness.Owner, "f");
        var notEmpty = await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DeleteFileAsync(s.Id, SessionHarness.Owner, "tree"));
        Assert.Equal("file-not-empty", notEmpty.Code);
        await h.Manager.DeleteFileAsync(s.Id, SessionHarness.Owner, "tree", recursive: true);
        var left = await h.Manager.ListFilesAsync(s.Id, SessionHarness.Owner, recursive: true);
        Assert.Equal(new[] { "keep", "keep/k.txt" }, left.Select(e => e.Path).ToArray());
        var missing = await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DeleteFileAsync(s.Id, SessionHarness.Owner, "nothing"));
        Assert.Equal("file-not-found", missing.Code);
    }

    [Fact]
    public async Task Download_OfAMissingFileOrADirectory_IsRefused()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        await h.RunAsync(s.Id, "import os\nos.mkdir('dir')");
        Assert.Equal("file-not-found", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, SessionHarness.Owner, "nope.txt"))).Code);
        Assert.Equal("file-not-a-file", (await Assert.ThrowsAsync<SessionFileException>(() => h.Manager.DownloadAsync(s.Id, SessionHarness.Owner, "dir"))).Code);
    }

    [HostFact(HostNeed.Matplotlib)]
    public async Task ChangedFiles_LetAnAgentFetchItsPlots()
    {
        await using var h = new SessionHarness(engine);
        var s = await h.CreateAsync();
        var r = await h.RunAsync(s.Id, "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.savefig('out.png')\nplt.close('all')");
        var png = Assert.Single(r.ChangedFiles);
        await using var d = await h.Manager.DownloadAsync(s.Id, SessionHarness.Owner, png.Path);
        var bytes = await d.ReadAllBytesAsync();
        Assert.Equal(png.Size, bytes.Length);
        Assert.Equal(0x89, bytes[0]);
    }
}
