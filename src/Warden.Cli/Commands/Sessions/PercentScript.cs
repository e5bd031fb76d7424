using System.Text.RegularExpressions;

namespace Warden.Cli.Commands.Sessions;

/// <summary>
/// Splits a script in the percent format (Jupytext, VS Code, Spyder): cells start at lines
/// <c># %%</c> (optionally followed by a title); cells marked <c>[markdown]</c> and empty cells are skipped.
/// </summary>
internal static partial class PercentScript
{
    [GeneratedRegex(@"^\s*(#|//)\s*%%(?<rest>.*)$")]
    private static partial Regex Marker();

    public static List<string> Split(string source)
    {
        var cells = new List<string>();
        var current = new List<string>();
        var markdown = false;
        foreach (var line in source.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var m = Marker().Match(line);
            if (m.Success)
            {
                Add();
                markdown = m.Groups["rest"].Value.Contains("[markdown]", StringComparison.OrdinalIgnoreCase);
                continue;
            }
            current.Add(line);
        }
        Add();
        return cells;

        void Add()
        {
            var text = string.Join('\n', current).Trim('\n');
            if (!markdown && text.Trim().Length > 0) cells.Add(text);
            current.Clear();
        }
    }
}
