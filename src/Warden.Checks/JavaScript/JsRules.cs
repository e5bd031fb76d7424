namespace Warden.Checks.JavaScript;

/// <summary>The JavaScript rules: ids, default severities and the safer alternative each offers.</summary>
internal static class JsRules
{
    public const string ModuleDenied = "js.module-denied";
    public const string ModuleNotAllowed = "js.module-not-allowed";
    public const string Filesystem = "js.filesystem";
    public const string Network = "js.network";
    public const string DynamicRequire = "js.dynamic-require";
    public const string ComputedGlobal = "js.computed-global";
    public const string ProcessInternals = "js.process-internals";
    public const string FunctionConstructor = "js.function-constructor";
    public const string ExecDecoded = "js.exec-decoded";
    public const string EvalDynamic = "js.eval-dynamic";
    public const string ExecLiteral = "js.exec-literal";
    public const string ObfuscatedName = "js.obfuscated-name";
    public const string SensitivePath = "js.sensitive-path";
    public const string RmRoot = "js.rm-root";

    public static readonly IReadOnlyList<RuleInfo> All =
    [
        new(ModuleDenied, "javascript", Severity.Block, "Loads a module the policy denies (by default child_process, vm, worker_threads, cluster, inspector, module, v8, wasi)",
            "Do the work in JavaScript itself; ask the operator to allow the module if it is really needed."),
        new(ModuleNotAllowed, "javascript", Severity.Block, "Loads a module outside the policy's allow-list", "Use one of the allowed modules."),
        new(Filesystem, "javascript", Severity.Warn, "Loads the file-system module (fs, fs/promises)", "Keep file access inside the workspace."),
        new(Network, "javascript", Severity.Warn, "Opens network connections (net, http, https, dgram, dns, fetch, WebSocket); the sandbox has no network by default", null),
        new(DynamicRequire, "javascript", Severity.Block, "require() or import() of a module name computed or assembled at run time",
            "Write require('name') or import ... from 'name' with a literal."),
        new(ComputedGlobal, "javascript", Severity.Block, "Reaches globalThis, global, process, require or module through a computed property name",
            "Access the property by name."),
        new(ProcessInternals, "javascript", Severity.Block, "Uses Node internals (process.binding, process.dlopen, process.mainModule, module.constructor._load)",
            "Use the public module APIs."),
        new(FunctionConstructor, "javascript", Severity.Block, "Creates functions from strings (Function, new Function, constructor.constructor)",
            "Write the function in the source."),
        new(ExecDecoded, "javascript", Severity.Block, "eval/Function/setTimeout of decoded or assembled text (atob, Buffer.from, String.fromCharCode, reverse/join)",
            "Ship the code as plain source."),
        new(EvalDynamic, "javascript", Severity.Warn, "eval (or setTimeout with a string) of text computed at run time", "Use JSON.parse for data; write code out as source."),
        new(ExecLiteral, "javascript", Severity.Warn, "eval of a string literal (its contents are checked too)", "Write the code out as source."),
        new(ObfuscatedName, "javascript", Severity.Block, "Builds the name of a dangerous module, global or property at run time", "Write names out plainly."),
        new(RmRoot, "javascript", Severity.Block, "Deletes / or a top-level system directory (fs.rmSync('/', { recursive: true }))",
            "Delete only paths inside the workspace."),
        new(SensitivePath, "javascript", Severity.Warn, "Names a host secret or raw device path (/etc/shadow, /proc/self/environ, /dev/sda, ~/.ssh)",
            "Read only files inside the workspace."),
    ];
}
