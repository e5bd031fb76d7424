using Warden.Execution;
using Warden.Policy;

namespace Warden.Eval.Languages;

/// <summary>
/// Any other language whose problems carry a self-checking test program: prompt + completion
/// + test runs as one program, and exit 0 is a pass. It cannot tell an early exit(0) from a
/// finished test (docs/eval.md).
/// </summary>
internal sealed class ExitCodeEvalLanguage(string language) : IEvalLanguage
{
    public RunRequest Build(Problem problem, string completion, string nonce, LimitsRequest limits) => new()
    {
        Language = language,
        Code = problem.Prompt + completion + "\n" + problem.Test,
        Limits = limits,
    };

    public Judgement Judge(Problem problem, RunResult result, string nonce) => RunJudge.Judge(result, checksReturned: true);
}
