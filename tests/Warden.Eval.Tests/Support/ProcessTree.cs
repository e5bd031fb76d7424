namespace Warden.Eval.Tests.Support;

/// <summary>The live descendants of a process, read from /proc.</summary>
internal static class ProcessTree
{
    public static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), out var pid)) continue;
            try
            {
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
                var stat = File.ReadAllText(System.IO.Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z") parents[pid] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        var result = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var p))
            foreach (var (child, parent) in parents)
                if (parent == p) { result.Add(child); frontier.Enqueue(child); }
        return result;
    }
}
