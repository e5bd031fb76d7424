using Warden.Checks.Analysis;

namespace Warden.Checks.JavaScript;

internal static class JsAnalyzer
{
    public static IReadOnlyList<RawFinding> Analyze(string code, ModuleGate modules) => [];
}
