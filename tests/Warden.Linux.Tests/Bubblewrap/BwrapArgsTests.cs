using Warden.Linux.Bubblewrap;

namespace Warden.Linux.Tests.Bubblewrap;

public sealed class BwrapArgsTests
{
    private static List<string> Build(Func<BwrapLayout, BwrapLayout>? change = null)
    {
        var layout = new BwrapLayout
        {
            Symlinks = [("usr/bin", "/bin")],
            ReadOnlyBinds = [("/usr", "/usr"), ("/run/warden/passwd.x", "/etc/passwd")],
            Tmpfs = [("/tmp", 1 << 20, "1777"), ("/workspace", 2 << 20, "0755")],
            Dirs = ["/workspace/data"],
            Files = [(5, "/workspace/main.py", "0644"), (6, "/workspace/data/x.csv", "0644")],
            SeccompFd = 4,
            Env = [new("PATH", "/usr/bin"), new("HOME", "/workspace")],
            Command = ["/.warden/helper", "exec", "--", "/usr/bin/python3", "main.py"],
        };
        return BwrapArgs.Build(change is null ? layout : change(layout));
    }

    private static int IndexOfPair(List<string> a, string flag, string value)
    {
        for (var i = 0; i + 1 < a.Count; i++)
            if (a[i] == flag && a[i + 1] == value) return i;
        return -1;
    }

    [Fact]
    public void Build_UnsharesEveryNamespaceExplicitly()
    {
        var a = Build();
        foreach (var ns in new[] { "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup" })
            Assert.Contains(ns, a);
        Assert.DoesNotContain("--unshare-all", a);       // it would only *try* user and cgroup
        Assert.DoesNotContain("--share-net", a);
        Assert.Contains("--disable-userns", a);
    }

    [Fact]
    public void Build_DropsPrivilegesAndIsolatesTheSession()
    {
        var a = Build();
        Assert.True(IndexOfPair(a, "--cap-drop", "ALL") >= 0);
        Assert.Contains("--new-session", a);
        Assert.Contains("--die-with-parent", a);
        Assert.Contains("--clearenv", a);
        Assert.True(IndexOfPair(a, "--uid", "1000") >= 0);
        Assert.True(IndexOfPair(a, "--seccomp", "4") >= 0);
    }

    [Fact]
    public void Build_SizesTmpfsAndSetsItsModeBeforeTheMount()
    {
        var a = Build();
        var t = IndexOfPair(a, "--tmpfs", "/workspace");
        Assert.Equal(["--perms", "0755", "--size", (2 << 20).ToString(), "--tmpfs", "/workspace"], a.GetRange(t - 4, 6));
    }

    [Fact]
    public void Build_CreatesDirectoriesBeforeCopyingFilesAfterTheWorkspaceMount()
    {
        var a = Build();
        var ws = IndexOfPair(a, "--tmpfs", "/workspace");
        var dir = IndexOfPair(a, "--dir", "/workspace/data");
        var file = IndexOfPair(a, "--file", "6");
        Assert.True(ws < dir && dir < file);
        Assert.Equal("/workspace/data/x.csv", a[file + 2]);
    }

    [Fact]
    public void Build_RemountsRootReadOnlyAfterEveryMount()
    {
        var a = Build();
        var ro = IndexOfPair(a, "--remount-ro", "/");
        Assert.True(ro > a.LastIndexOf("--tmpfs"));
        Assert.True(ro > a.LastIndexOf("--ro-bind"));
        Assert.True(ro > a.LastIndexOf("--file"));
    }

    [Fact]
    public void Build_EndsWithTheCommandAfterADoubleDash()
    {
        var a = Build();
        var dd = a.LastIndexOf("--");
        Assert.Equal(["/.warden/helper", "exec", "--", "/usr/bin/python3", "main.py"], a.Skip(a.IndexOf("--chdir") + 3).ToList());
        Assert.True(dd > a.IndexOf("--chdir"));
    }

    [Fact]
    public void Build_EnvironmentValuesAreSingleArguments()
    {
        var a = Build(l => l with { Env = [new("X", "a b; $(rm -rf /) `x`")] });
        var i = IndexOfPair(a, "--setenv", "X");
        Assert.Equal("a b; $(rm -rf /) `x`", a[i + 2]);
    }

    [Fact]
    public void Build_NeverBindsHostSecrets()
    {
        var a = Build();
        foreach (var forbidden in new[] { "/root", "/home", "/var", "/run", "/sys", "/etc/shadow" })
            Assert.DoesNotContain(a.Select((v, i) => (v, i)).Where(x => x.v is "--bind" or "--ro-bind" or "--dev-bind").Select(x => a[x.i + 1]), s => s == forbidden);
    }
}
