using System.Text.Json;
using Warden.Json;

namespace Warden.Cli.Commands;

/// <summary>Shared output helpers: JSON in the contract's shape, and errors as one clear line.</summary>
internal static class CliOutput
{
    public static void Json<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, typeof(T), WardenJson.Indented));

    /// <summary>Prints a Warden error to stderr and returns the exit code to use (2 for bad input, 3 for Warden/host problems).</summary>
    public static int Error(WardenException ex, bool json)
    {
        if (json)
            Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, string>> { ["error"] = new() { ["code"] = ex.Code, ["message"] = ex.Message } }, WardenJson.Indented));
        else
            Console.Error.WriteLine($"warden: {ex.Message}");
        return ex is InvalidRequestException or LanguageUnavailableException or LanguageAmbiguousException ? 2 : 3;
    }
}
