using System.CommandLine;
using Warden.Cli.Commands;

namespace Warden.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("Warden: run untrusted code fast, in strong Linux isolation.");
        // One line per command; each command lives in Commands/<Name>Command.cs.
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(LanguagesCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(SqlCommand.Create());
        root.Subcommands.Add(SessionCommand.Create());
        try
        {
            // Warden's own errors are handled per command; anything else is a bug: one line, no stack trace.
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
            {
                foreach (var e in parsed.Errors) Console.Error.WriteLine("warden: " + e.Message);
                Console.Error.WriteLine("warden: see `warden --help`.");
                return Commands.RunCommand.ExitUsage;
            }
            return parsed.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                // The server handles SIGINT/SIGTERM itself and may take its whole grace period to stop.
                ProcessTerminationTimeout = parsed.CommandResult.Command.Name == ServeCommand.Name ? null : TimeSpan.FromSeconds(2),
            });
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: the command's engine has been disposed on the way out (its sandboxes killed, its cgroups removed).
            Console.Error.WriteLine("warden: interrupted.");
            return Commands.RunCommand.ExitInterrupted;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var id = Guid.NewGuid().ToString("N")[..8];
            Console.Error.WriteLine($"warden: internal error {id}: {ex.GetType().Name}. Set WARDEN_DEBUG=1 for details.");
            if (Environment.GetEnvironmentVariable("WARDEN_DEBUG") == "1") Console.Error.WriteLine(ex);
            return Commands.RunCommand.ExitWardenError;
        }
    }
}
