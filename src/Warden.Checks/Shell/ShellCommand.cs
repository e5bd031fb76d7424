namespace Warden.Checks.Shell;

/// <summary>A simple command: assignments, words, redirections, and where it sits in its pipeline.</summary>
internal sealed class ShellCommand(int pipeline, int position)
{
    public int Pipeline { get; } = pipeline;
    public int Position { get; } = position;
    public List<ShellToken> Assignments { get; } = [];
    public List<ShellToken> Words { get; } = [];
    public List<(ShellToken Op, ShellToken? Target)> Redirections { get; } = [];
    public bool Background { get; set; }

    public bool IsEmpty => Words.Count == 0 && Assignments.Count == 0 && Redirections.Count == 0;

    /// <summary>Every word-like token: assignments, words and redirection targets.</summary>
    public IEnumerable<ShellToken> AllWords() =>
        Assignments.Concat(Words).Concat(Redirections.Where(r => r.Target is not null).Select(r => r.Target!));
}

/// <summary>A function definition, <c>name() { body }</c> or <c>function name { body }</c>.</summary>
internal sealed record ShellFunction(string Name, ShellToken At, IReadOnlyList<ShellToken> Body);
