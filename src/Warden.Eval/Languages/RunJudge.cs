using Warden.Execution;

namespace Warden.Eval.Languages;

/// <summary>The part of judging every language shares: what a run's reason means for a sample.</summary>
internal static class RunJudge
{
    /// <summary>Marker line a harness program writes, followed by the nonce, when its checks returned.</summary>
    public const string PassMarker = "__WARDEN_EVAL_PASS__";

    private const int MaxDetail = 300;

    /// <param name="r">The finished run.</param>
    /// <param name="checksReturned">For a run that exited 0: whether it proved that its checks ran to the end.</param>
    public static Judgement Judge(RunResult r, bool checksReturned) => r.Reason switch
    {
        RunReason.Exited when r.ExitCode == 0 => checksReturned
            ? Judgement.Pass
            : Judgement.Fail("exited before the checks finished"),
        RunReason.Exited => Judgement.Fail(LastLine(r.Stderr) ?? $"exit code {r.ExitCode}"),
        RunReason.Signaled => Judgement.Fail(LastLine(r.Stderr) ?? $"killed by {r.Signal}"),
        RunReason.Timeout => new(VerdictOutcome.TimedOut, "timed out"),
        RunReason.Memory => Judgement.Fail("memory limit exceeded"),
        RunReason.Pids => Judgement.Fail("task limit reached"),
        RunReason.OutputLimit => Judgement.Fail("output limit exceeded"),
        RunReason.CompileError => Judgement.Fail("compile error"),
        _ => Judgement.Infrastructure(r.Message ?? $"the sandbox ended with reason {r.Reason}"),
    };

    /// <summary>Whether <paramref name="stdout"/> holds the line <c>marker nonce</c>.</summary>
    public static bool HasMarkerLine(string stdout, string marker, string nonce) =>
        nonce.Length > 0 && stdout.Contains($"\n{marker} {nonce}\n", StringComparison.Ordinal);

    /// <summary>The last non-blank line of <paramref name="text"/>, trimmed and shortened; null when there is none.</summary>
    public static string? LastLine(string text)
    {
        var span = text.AsSpan().TrimEnd();
        if (span.IsEmpty) return null;
        var line = span[(span.LastIndexOf('\n') + 1)..].Trim();
        return line.Length <= MaxDetail ? line.ToString() : string.Concat(line[..MaxDetail], "…");
    }
}
