using System.CommandLine;
using System.CommandLine.Invocation;

namespace Warden.Cli.Commands;

/// <summary>
/// A command action whose usage errors (missing or malformed arguments, unknown tokens) exit
/// with 2, so scripts can tell "you called me wrong" (2) from "the answer is no" (1).
/// </summary>
internal sealed class CliAction(Func<ParseResult, int> run) : SynchronousCommandLineAction
{
    public const int Usage = 2;

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var errors = parseResult.Errors.Select(e => e.Message).Concat(parseResult.UnmatchedTokens.Select(t => $"Unrecognized argument '{t}'.")).ToList();
        if (errors.Count == 0) return run(parseResult);
        foreach (var e in errors) Console.Error.WriteLine($"warden {parseResult.CommandResult.Command.Name}: {e}");
        Console.Error.WriteLine($"Try 'warden {parseResult.CommandResult.Command.Name} --help'.");
        return Usage;
    }

    /// <summary>A file error in words (the CLI is built with system resource keys, so exception messages are terse).</summary>
    public static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException => "permission denied",
        _ => e.GetType().Name,
    };

    /// <summary>Prints a usage error and returns the usage exit code.</summary>
    public static int UsageError(string command, string message)
    {
        Console.Error.WriteLine($"warden {command}: {message}");
        return Usage;
    }
}
