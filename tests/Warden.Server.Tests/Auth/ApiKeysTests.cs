using Warden.Server.Auth;
using Warden.Server.Storage;

namespace Warden.Server.Tests.Auth;

public sealed class ApiKeysTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wdn-").FullName;
    private readonly SqliteStore _store;
    private readonly ApiKeys _keys;

    public ApiKeysTests()
    {
        _store = SqliteStore.Open(Path.Combine(_dir, "data"));
        _keys = new ApiKeys(_store, TimeProvider.System);
    }

    [Fact]
    public void Create_ShowsTheKeyOnce_AndStoresOnlyItsHash()
    {
        var (record, key) = _keys.Create(Role.User, null, "ci");
        Assert.Matches("^wdn_[0-9a-f]{10}_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(record.Id, record.Owner);
        Assert.Equal(32, record.Hash.Length);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(key)), _store.FindKey(record.Id)!.Hash);
        Assert.Equal(record.Id, _keys.Verify(key)!.Id);
    }

    [Fact]
    public void Verify_RefusesWrongSecretsUnknownIdsAndRevokedKeys()
    {
        var (record, key) = _keys.Create(Role.Admin, "ops", null);
        Assert.Null(_keys.Verify(key[..^2] + (key[^2..] == "AA" ? "BB" : "AA")));
        Assert.Null(_keys.Verify("wdn_ffffffffff_" + key[^43..]));
        Assert.Null(_keys.Verify(key + "x"));
        Assert.Null(_keys.Verify(""));
        Assert.True(_store.RevokeKey(record.Id, DateTimeOffset.UtcNow));
        Assert.Null(_keys.Verify(key));
    }

    [Fact]
    public void Keys_AreRandom()
    {
        var a = _keys.Create(Role.User, null, null).Key;
        var b = _keys.Create(Role.User, null, null).Key;
        Assert.NotEqual(a, b);
        Assert.NotEqual(a[4..14], b[4..14]);
    }

    [Fact]
    public void Store_FilesAreOnlyForWardensUser()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_dir, "data")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_store.DatabasePath));
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, true);
    }
}
