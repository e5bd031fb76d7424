namespace Warden.Eval.Tests.Support;

/// <summary>
/// Finds HumanEval.jsonl.gz: $WARDEN_HUMANEVAL, else the copy committed under tests/data/
/// (MIT licence beside it), else shared/data/ beside an ancestor of the test's directory.
/// </summary>
internal static class HumanEvalData
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("WARDEN_HUMANEVAL") is { Length: > 0 } env) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var committed = System.IO.Path.Combine(dir.FullName, "tests", "data", "HumanEval.jsonl.gz");
            if (File.Exists(committed)) return committed;
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data", "HumanEval.jsonl.gz");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("HumanEval.jsonl.gz not found: set WARDEN_HUMANEVAL or put shared/data/ beside the repository.");
    }
}
