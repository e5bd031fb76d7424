using Warden.Checks.Analysis;

namespace Warden.Checks.Shell;

internal static class ShellAnalyzer
{
    public static IReadOnlyList<RawFinding> Analyze(string code) => [];
}
