using Warden.Eval;
using Warden.Eval.Languages;
using Warden.Eval.Tests.Support;

namespace Warden.Eval.Tests.Integration;

/// <summary>C++ (HumanEval-X style: the test is a main full of asserts) and Rust (rustc --test), in real sandboxes.</summary>
[Collection(SandboxCollection.Name)]
public sealed class CompiledLanguageTests
{
    private static readonly Problem Cpp = new()
    {
        TaskId = "CPP/0",
        Language = "cpp",
        Prompt = "/*\nAdd two numbers.\n*/\n#include<stdio.h>\n#include<stdlib.h>\nusing namespace std;\nint add(int a, int b){\n",
        Test = "#undef NDEBUG\n#include<assert.h>\nint main(){\n    assert (add(1, 2) == 3);\n    assert (add(-1, 1) == 0);\n}\n",
    };

    private static readonly Problem Rust = new()
    {
        TaskId = "Rust/0",
        Language = "rust",
        Prompt = "fn add(a: i32, b: i32) -> i32 {\n",
        Test = "#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn adds() {\n        assert_eq!(add(1, 2), 3);\n        assert_eq!(add(-1, 1), 0);\n    }\n}\n",
    };

    public static TheoryData<string, string> CppCases => new()
    {
        { "    return a + b;\n}\n", "passed" },
        { "    return a - b;\n}\n", "failed: *Assertion*failed*" },
        { "    exit(0);\n}\n", "failed: exited before the checks finished" },
        { "    return a + b;\n}\nstatic int early = (exit(0), 0);\n", "failed: exited before the checks finished" },
        { "    return a +;\n}\n", "failed: compile error" },
        { "    while (true) {}\n}\n", "timed out" },
    };

    [RequiresLanguageTheory("cpp")]
    [MemberData(nameof(CppCases))]
    public async Task Evaluate_CppSample_IsJudgedByItsOwnTestMain(string completion, string expected)
    {
        var verdict = Assert.Single(await Sandboxes.EvaluateAsync([Cpp], [Problems.Sample(Cpp.TaskId, completion)], new EvalOptions { TimeoutMs = 5000 }));
        AssertResult(expected, verdict.Result);
    }

    public static TheoryData<string, string> RustCases => new()
    {
        { "    a + b\n}\n", "passed" },
        { "    a - b\n}\n", "failed: *" },
        { "    std::process::exit(0)\n}\n", "failed: exited before the checks finished" },
        { "    a +\n}\n", "failed: compile error" },
    };

    [RequiresRustTestFact]
    public async Task Evaluate_RustSample_IsJudgedByRustcTest()
    {
        foreach (var (completion, expected) in RustCases.Select(row => ((string)row[0], (string)row[1])))
        {
            var verdict = Assert.Single(await Sandboxes.EvaluateAsync([Rust], [Problems.Sample(Rust.TaskId, completion)], new EvalOptions { TimeoutMs = 30_000 }));
            AssertResult(expected, verdict.Result);
        }
    }

    [Fact]
    public async Task Evaluate_RustWhereTheRunnerHasNoRust_IsSkippedWithTheReasonOrRuns()
    {
        var verdict = Assert.Single(await Sandboxes.EvaluateAsync([Rust], [Problems.Sample(Rust.TaskId, "    a + b\n}\n")], new EvalOptions { TimeoutMs = 30_000 }));
        if (RequiresRustTestFactAttribute.Unavailable is { } why)
            Assert.Equal((VerdictOutcome.Skipped, $"skipped: Language '{RustTestEvalLanguage.LanguageId}' is not available on this host: {why}."), (verdict.Outcome, verdict.Result));
        else
            Assert.Equal("passed", verdict.Result);
    }

    private static void AssertResult(string pattern, string actual)
    {
        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
        Assert.Matches(regex, actual);
    }
}
