namespace Warden.Eval.Languages;

/// <summary>Picks how a problem is judged from its <c>language</c> field.</summary>
internal sealed class EvalLanguages(bool plainReturnValuesOnly)
{
    private readonly PythonEvalLanguage _python = new(plainReturnValuesOnly);
    private readonly CppEvalLanguage _cpp = new();
    private readonly RustTestEvalLanguage _rust = new();

    public IEvalLanguage For(Problem problem) => (problem.Language?.Trim().ToLowerInvariant() ?? "python") switch
    {
        "" or "python" or "py" or "python3" => _python,
        "cpp" or "c++" or "g++" or "cxx" => _cpp,
        "rust" or "rs" or RustTestEvalLanguage.LanguageId => _rust,
        var other => new ExitCodeEvalLanguage(other),
    };
}
