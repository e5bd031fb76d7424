namespace Warden.Checks.JavaScript;

internal static class JsSymbols
{
    public static readonly IReadOnlyList<string> DefaultDeniedModules = ["child_process", "vm", "worker_threads", "cluster", "inspector", "module", "v8", "wasi", "repl"];
}
