namespace Warden.Checks.Python;

/// <summary>The Python rules: ids, default severities and the safer alternative each offers.</summary>
internal static class PyRules
{
    public const string ProcessExec = "py.process-exec";
    public const string ProcessControl = "py.process-control";
    public const string ModuleDenied = "py.module-denied";
    public const string ModuleNotAllowed = "py.module-not-allowed";
    public const string DynamicImport = "py.dynamic-import";
    public const string IndirectImport = "py.indirect-import";
    public const string Introspection = "py.introspection";
    public const string Reflection = "py.reflection";
    public const string GetattrDangerous = "py.getattr-dangerous";
    public const string GetattrComputed = "py.getattr-computed";
    public const string ExecDecoded = "py.exec-decoded";
    public const string ExecDynamic = "py.exec-dynamic";
    public const string EvalDynamic = "py.eval-dynamic";
    public const string ExecLiteral = "py.exec-literal";
    public const string CodeObject = "py.code-object";
    public const string Deserialize = "py.deserialize";
    public const string ObfuscatedName = "py.obfuscated-name";
    public const string Network = "py.network";
    public const string SensitivePath = "py.sensitive-path";
    public const string RmRoot = "py.rm-root";

    public static readonly IReadOnlyList<RuleInfo> All =
    [
        new(ProcessExec, "python", Severity.Block, "Runs a shell command or another program (os.system, subprocess, pty.spawn, os.exec*)",
            "Do the work in Python (shutil, pathlib, the standard library) instead of spawning programs."),
        new(ProcessControl, "python", Severity.Warn, "Forks, signals or changes the identity of processes (os.fork, os.kill, os.setuid)", null),
        new(ModuleDenied, "python", Severity.Block, "Imports a module the policy denies (by default ctypes, cffi, pty, _posixsubprocess)",
            "Use a pure-Python library, or ask the operator to allow the module."),
        new(ModuleNotAllowed, "python", Severity.Block, "Imports a module outside the policy's allow-list", "Use one of the allowed modules."),
        new(DynamicImport, "python", Severity.Block, "Imports a module whose name is computed at run time (__import__, importlib, sys.modules)",
            "Write a plain import statement."),
        new(IndirectImport, "python", Severity.Warn, "Imports through __import__ or importlib with a literal name", "Write a plain import statement."),
        new(Introspection, "python", Severity.Block, "Walks the object graph towards interpreter internals (__subclasses__, __globals__, __builtins__, __mro__, frames)",
            "Call the function you need directly."),
        new(Reflection, "python", Severity.Warn, "Reflects on objects or scopes (__class__, __dict__, globals()[...], sys._getframe)", null),
        new(GetattrDangerous, "python", Severity.Block, "getattr/setattr on a module or builtins with a computed or dangerous name",
            "Access the attribute by name: module.attribute."),
        new(GetattrComputed, "python", Severity.Warn, "getattr/setattr with a name computed at run time", "Prefer an explicit dict of allowed handlers."),
        new(ExecDecoded, "python", Severity.Block, "exec/eval/compile of decoded, decompressed or assembled text", "Ship the code as plain source."),
        new(ExecDynamic, "python", Severity.Block, "exec/compile of text computed at run time", "Write the code out as source; use functions and dicts for dispatch."),
        new(EvalDynamic, "python", Severity.Warn, "eval of text computed at run time", "Use ast.literal_eval for data, or evaluate the expression explicitly."),
        new(ExecLiteral, "python", Severity.Warn, "exec/eval/compile of a string literal (its contents are checked too)", "Write the code out as source."),
        new(CodeObject, "python", Severity.Block, "Builds code objects directly (marshal.loads, types.CodeType, types.FunctionType)", "Write the code out as source."),
        new(Deserialize, "python", Severity.Warn, "Deserialises data that can run code (pickle, shelve, dill)", "Use json for data."),
        new(ObfuscatedName, "python", Severity.Block, "Builds the name of a dangerous module, function or attribute at run time (chr, concatenation, reversal, decoding)",
            "Write names out plainly."),
        new(Network, "python", Severity.Warn, "Opens network connections (socket, urllib.request, http.client, requests); the sandbox has no network by default", null),
        new(RmRoot, "python", Severity.Block, "Recursively deletes / or a top-level system directory (shutil.rmtree('/'))",
            "Delete only paths inside the workspace."),
        new(SensitivePath, "python", Severity.Warn, "Names a host secret or raw device path (/etc/shadow, /proc/self/environ, /dev/sda, ~/.ssh)",
            "Read only files inside the workspace."),
    ];
}
