namespace Warden.Eval;

/// <summary>
/// A problem in the HumanEval format. In JSON Lines the fields are snake_case
/// (<c>task_id</c>, <c>entry_point</c>, <c>canonical_solution</c>); other fields are ignored.
/// </summary>
public sealed record Problem
{
    /// <summary>Unique id, such as <c>HumanEval/0</c>.</summary>
    public required string TaskId { get; init; }

    /// <summary>The code the completion continues (a signature and docstring, or a C++ header).</summary>
    public required string Prompt { get; init; }

    /// <summary>The test code: for Python a <c>check(candidate)</c> function; for compiled languages a program with its own <c>main</c> or <c>#[test]</c> functions.</summary>
    public required string Test { get; init; }

    /// <summary>For Python, the name of the function <c>check</c> is called with. Unused by compiled languages.</summary>
    public string EntryPoint { get; init; } = "";

    /// <summary>Language id or alias such as <c>python</c>, <c>cpp</c> or <c>rust</c>; Python when absent.</summary>
    public string? Language { get; init; }

    /// <summary>The reference completion, when the problem set carries one (HumanEval does).</summary>
    public string? CanonicalSolution { get; init; }
}
