using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Warden.Server;
using Warden.Server.Configuration;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden serve [--urls URL] [--data DIR] [--config FILE] [--socket PATH | --no-socket]</c>:
/// the HTTP server on 127.0.0.1:8080 (and a Unix socket) with the embedded store; prints how to
/// make the first call. Stops gracefully on SIGINT/SIGTERM.
/// </summary>
internal static class ServeCommand
{
    public const string Name = "serve";

    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = $"Addresses to listen on, separated by ';' (default {ServerSection.DefaultUrls})." };
        var data = new Option<string?>("--data") { Description = "Data directory: keys, sessions' metadata, audit log (default /var/lib/warden as root, else ~/.local/share/warden)." };
        var config = new Option<FileInfo?>("--config") { Description = "Configuration file (JSON; default ./appsettings.json when present). WARDEN__SECTION__KEY environment variables override it." };
        var socket = new Option<string?>("--socket") { Description = "Unix socket path (default DATA/sock/warden.sock)." };
        var noSocket = new Option<bool>("--no-socket") { Description = "Do not listen on a Unix socket." };
        var cmd = new Command(Name, "Run the HTTP server (loopback by default) with the embedded SQLite store.") { urls, data, config, socket, noSocket };
        cmd.SetAction(async (parse, ct) =>
        {
            IHost host;
            ServerSettings settings;
            try
            {
                var overrides = new Dictionary<string, string?>();
                if (parse.GetValue(urls) is { } u) overrides["Server:Urls"] = u;
                if (parse.GetValue(data) is { } d) overrides["Server:DataDir"] = Path.GetFullPath(d);
                if (parse.GetValue(socket) is { } s) overrides["UnixSocket:Path"] = Path.GetFullPath(s);
                if (parse.GetValue(noSocket)) overrides["UnixSocket:Enabled"] = "false";
                var configuration = ServerConfiguration.Build(parse.GetValue(config)?.FullName, overrides);
                settings = ServerSettings.Resolve(ServerConfiguration.Bind(configuration));
                host = WardenServer.CreateHostBuilder(configuration).Build();
                await host.StartAsync(ct);
            }
            catch (WardenException ex)
            {
                Console.Error.WriteLine("warden: " + ex.Message);
                return ex is ConfigurationException ? RunCommand.ExitUsage : RunCommand.ExitWardenError;
            }
            catch (IOException ex)
            {
                // Kestrel: the address is in use, or the socket cannot be bound.
                Console.Error.WriteLine("warden: cannot listen: " + ex.Message);
                return RunCommand.ExitWardenError;
            }
            PrintBanner(host, settings);
            await host.WaitForShutdownAsync(CancellationToken.None);
            await ((IAsyncDisposable)host).DisposeAsync();
            return 0;
        });
        return cmd;
    }

    private static void PrintBanner(IHost host, ServerSettings settings)
    {
        var addresses = WardenServer.Addresses(host).Where(a => !a.StartsWith("http://unix:", StringComparison.Ordinal)).ToList();
        var http = addresses.FirstOrDefault() ?? settings.Urls[0].ToString().TrimEnd('/');
        var err = Console.Error;
        err.WriteLine($"warden: listening on {string.Join(", ", addresses)}{(settings.SocketPath is { } p ? $" and unix:{p}" : "")}");
        err.WriteLine($"warden: data in {settings.DataDir}; audit log, keys and sessions' metadata in warden.db");
        var data = settings.DataDir == ServerSettings.DefaultDataDir() ? "" : $" --data {settings.DataDir}";
        err.WriteLine("warden: first call (in another terminal):");
        err.WriteLine($"  KEY=$(./warden keys create --role user{data})");
        err.WriteLine($"  curl -s {http}/v1/runs -H \"Authorization: Bearer $KEY\" -H 'Content-Type: application/json' \\");
        err.WriteLine("       -d '{\"language\": \"python\", \"code\": \"print(6 * 7)\"}'");
        err.WriteLine($"warden: warming the Python fast path in the background; {http}/readyz answers 200 when it is ready (runs before then take the cold path).");
        err.WriteLine("warden: API: docs/api.md; OpenAPI document at /openapi/v1.json. Stop with Ctrl+C.");
    }
}
