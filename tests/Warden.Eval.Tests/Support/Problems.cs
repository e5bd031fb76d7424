using Warden.Eval;

namespace Warden.Eval.Tests.Support;

/// <summary>Small problem sets for tests.</summary>
internal static class Problems
{
    public static Problem Python(string taskId) => new()
    {
        TaskId = taskId,
        Prompt = "def f(x):\n",
        Test = "def check(candidate):\n    assert candidate(1) == 2\n",
        EntryPoint = "f",
    };

    public static Sample Sample(string taskId, string completion) => new() { TaskId = taskId, Completion = completion };
}
