using System.Text.Json;
using Warden.Sessions;

namespace Warden.Cli.Commands.Sessions;

/// <summary>
/// Prints a cell's outputs for a terminal: streams as they come, results as <c>Out[n]:</c>, errors on
/// stderr, and images saved under the output directory with names Warden makes up (never a name
/// from the sandbox; never overwriting).
/// </summary>
internal sealed class CellPrinter(DirectoryInfo? outDir)
{
    private static readonly (string Mime, string Ext)[] Images = [("image/png", "png"), ("image/jpeg", "jpg"), ("image/svg+xml", "svg")];
    private int _saved;

    public void Print(CellOutput output, int executionCount)
    {
        switch (output)
        {
            case StreamOutput s:
                (s.Name == "stderr" ? Console.Error : Console.Out).Write(s.Text);
                break;
            case ExecuteResultOutput r:
                Console.Out.WriteLine($"Out[{r.ExecutionCount}]: " + Describe(r.Data, executionCount));
                break;
            case DisplayDataOutput d:
                Console.Out.WriteLine(Describe(d.Data, executionCount));
                break;
            case ErrorOutput e:
                foreach (var line in e.Traceback) Console.Error.WriteLine(line);
                if (e.Traceback.Count == 0) Console.Error.WriteLine($"{e.Ename}: {e.Evalue}");
                break;
        }
        Console.Out.Flush();
    }

    private string Describe(IReadOnlyDictionary<string, JsonElement> data, int count)
    {
        foreach (var (mime, ext) in Images)
        {
            if (!data.TryGetValue(mime, out var v) || v.GetString() is not { } text) continue;
            var bytes = mime == "image/svg+xml" ? System.Text.Encoding.UTF8.GetBytes(text) : TryBase64(text);
            if (bytes is null) continue;
            if (outDir is null) return $"[{mime}, {bytes.Length} bytes; pass --out-dir to save images]";
            return $"[{mime} saved to {Save(bytes, count, ext)}]";
        }
        if (data.TryGetValue("text/plain", out var plain) && plain.GetString() is { } p) return p;
        return "[" + string.Join(", ", data.Keys) + "]";
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, buffer, out var n) ? buffer[..n] : null;
    }

    private string Save(byte[] bytes, int count, string ext)
    {
        Directory.CreateDirectory(outDir!.FullName);
        while (true)
        {
            var path = Path.Combine(outDir.FullName, $"cell{count}-{++_saved}.{ext}");
            try
            {
                using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                fs.Write(bytes);
                return path;
            }
            catch (IOException) when (File.Exists(path) || Directory.Exists(path))
            {
                // never overwrite: take the next name
            }
        }
    }

    /// <summary>A line on stderr for a cell that did not end well.</summary>
    public static void PrintEnding(CellResult r, SessionInfo? session)
    {
        if (r.OutputTruncated) Console.Error.WriteLine("warden: some output was dropped at the session's output limit.");
        if (r.Status == CellStatus.Lost)
            Console.Error.WriteLine($"warden: the session was lost ({(r.Reason is { } reason ? Names(reason) : "unknown")}): {session?.Message}");
        else if (r.Reason is CellReason.Timeout)
            Console.Error.WriteLine("warden: the cell ran past its timeout and was interrupted.");
    }

    public static string Names(CellReason r) => JsonNamingPolicy.KebabCaseLower.ConvertName(r.ToString());
}
