using System.CommandLine;
using Warden.Server.Auth;
using Warden.Server.Configuration;
using Warden.Server.Storage;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden keys create --role ROLE [--owner O] [--name N] [--data DIR]</c> prints a new API key
/// (shown once, stored only as a hash); <c>warden keys list</c> and <c>warden keys revoke ID</c>.
/// Works while the server runs (same SQLite database).
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Data directory (default: the server's, from --config / WARDEN__SERVER__DATADIR, else /var/lib/warden as root or ~/.local/share/warden).", Recursive = true };
        var config = new Option<FileInfo?>("--config") { Description = "The server's configuration file, to find its data directory.", Recursive = true };

        var role = new Option<string>("--role") { Description = "admin (keys, all sessions, audit), user (own runs and sessions) or reader (its owner's sessions, read-only).", Required = true };
        var owner = new Option<string?>("--owner") { Description = "Owner the key acts for; keys of one owner share sessions and quotas (default: the key's own id)." };
        var name = new Option<string?>("--name") { Description = "A label for lists and the audit log." };
        var create = new Command("create", "Create an API key and print it (it is shown only this once).") { role, owner, name };
        create.SetAction(parse => WithStore(parse.GetValue(data), parse.GetValue(config), store =>
        {
            if (!Roles.TryParse(parse.GetValue(role), out var r)) throw new InvalidRequestException("--role", "--role must be admin, user or reader.");
            var (record, key) = new ApiKeys(store, TimeProvider.System).Create(r, parse.GetValue(owner), parse.GetValue(name));
            Console.Error.WriteLine($"warden: created {Roles.Name(record.Role)} key {record.Id} (owner {record.Owner}); it is shown only now:");
            Console.Out.WriteLine(key);
        }));

        var list = new Command("list", "List keys (never the keys themselves).");
        list.SetAction(parse => WithStore(parse.GetValue(data), parse.GetValue(config), store =>
        {
            foreach (var k in store.ListKeys())
                Console.Out.WriteLine($"{k.Id}  {Roles.Name(k.Role),-6}  owner={k.Owner}  name={k.Name ?? "-"}  created={k.CreatedAt:yyyy-MM-ddTHH:mm:ssZ}{(k.RevokedAt is { } at ? $"  revoked={at:yyyy-MM-ddTHH:mm:ssZ}" : "")}");
        }));

        var id = new Argument<string>("id") { Description = "The key's id (the part after wdn_)." };
        var revoke = new Command("revoke", "Revoke a key; it stops working at once.") { id };
        revoke.SetAction(parse => WithStore(parse.GetValue(data), parse.GetValue(config), store =>
        {
            if (!store.RevokeKey(parse.GetValue(id)!, DateTimeOffset.UtcNow)) throw new InvalidRequestException("id", "No live key with that id.");
            Console.Error.WriteLine("warden: revoked.");
        }));

        return new Command("keys", "Manage API keys of the server.") { data, config, create, list, revoke };
    }

    private static int WithStore(string? dataDir, FileInfo? config, Action<IWardenStore> action)
    {
        try
        {
            var overrides = new Dictionary<string, string?>();
            if (dataDir is not null) overrides["Server:DataDir"] = Path.GetFullPath(dataDir);
            var settings = ServerSettings.Resolve(ServerConfiguration.Bind(ServerConfiguration.Build(config?.FullName, overrides)));
            using var store = SqliteStore.Open(settings.DataDir);
            action(store);
            return 0;
        }
        catch (WardenException ex)
        {
            Console.Error.WriteLine("warden: " + ex.Message);
            return ex is InvalidRequestException or ConfigurationException ? RunCommand.ExitUsage : RunCommand.ExitWardenError;
        }
    }
}
