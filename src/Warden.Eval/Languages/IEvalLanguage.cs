using Warden.Execution;
using Warden.Policy;

namespace Warden.Eval.Languages;

/// <summary>How samples of one language are turned into a sandboxed run and how the run is judged.</summary>
internal interface IEvalLanguage
{
    /// <summary>The run that judges <paramref name="completion"/>; <paramref name="nonce"/> goes to its stdin.</summary>
    RunRequest Build(Problem problem, string completion, string nonce, LimitsRequest limits);

    /// <summary>The verdict on a finished run.</summary>
    Judgement Judge(Problem problem, RunResult result, string nonce);
}
