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
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(SqlCommand.Create());
        return root.Parse(args).Invoke();
    }
}
