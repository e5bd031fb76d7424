using System.CommandLine;
using System.Text.Json;
using Warden.Linux;

namespace Warden.Cli.Commands;

/// <summary><c>warden languages</c>: every language, available or not, and why not.</summary>
internal static class LanguagesCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print as JSON." };
        var cmd = new Command("languages", "List the languages and whether each can run on this host.") { json };
        cmd.SetAction(parse =>
        {
            using var engine = WardenEngine.Create();
            var registry = engine.Languages;
            var statuses = registry.Definitions.Select(registry.Status).ToList();
            if (parse.GetValue(json))
            {
                var rows = statuses.Select(s => new Dictionary<string, object?>
                {
                    ["id"] = s.Definition.Id, ["name"] = s.Definition.Name, ["aliases"] = s.Definition.Aliases,
                    ["compiled"] = s.Definition.Compile is not null, ["available"] = s.Available, ["reason"] = s.Reason,
                });
                Console.Out.WriteLine(JsonSerializer.Serialize(rows, LanguagesJson.Default.IEnumerableDictionaryStringObject));
                return 0;
            }
            foreach (var s in statuses)
                Console.Out.WriteLine($"{s.Definition.Id,-11} {(s.Available ? "available  " : "unavailable")} {s.Definition.Name}{(s.Reason is null ? "" : " — " + s.Reason)}");
            return 0;
        });
        return cmd;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IEnumerable<Dictionary<string, object?>>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(bool))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class LanguagesJson : System.Text.Json.Serialization.JsonSerializerContext;
