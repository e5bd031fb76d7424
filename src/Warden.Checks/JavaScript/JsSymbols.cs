namespace Warden.Checks.JavaScript;

/// <summary>What the JavaScript checker knows about Node's modules and globals.</summary>
internal static class JsSymbols
{
    /// <summary>The policy's default deny list.</summary>
    public static readonly IReadOnlyList<string> DefaultDeniedModules = ["child_process", "vm", "worker_threads", "cluster", "inspector", "module", "v8", "wasi", "repl"];

    public static readonly IReadOnlySet<string> NetworkModules = new HashSet<string>(StringComparer.Ordinal)
    {
        "net", "tls", "http", "https", "http2", "dgram", "dns", "undici", "axios", "node-fetch", "ws", "got", "request",
    };

    /// <summary>Globals the checker follows, by the symbol it gives them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Globals = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["require"] = "require", ["module"] = "module", ["process"] = "process", ["Reflect"] = "Reflect", ["String"] = "String",
        ["Buffer"] = "Buffer", ["Object"] = "Object",
        ["globalThis"] = "global", ["global"] = "global", ["window"] = "global", ["self"] = "global", ["frames"] = "global",
        ["eval"] = "global.eval", ["Function"] = "global.Function", ["atob"] = "global.atob", ["unescape"] = "global.unescape",
        ["decodeURIComponent"] = "global.unescape", ["decodeURI"] = "global.unescape", ["setTimeout"] = "global.setTimeout",
        ["setInterval"] = "global.setTimeout", ["setImmediate"] = "global.setTimeout", ["execScript"] = "global.setTimeout",
        ["fetch"] = "global.fetch", ["WebSocket"] = "global.fetch", ["XMLHttpRequest"] = "global.fetch", ["EventSource"] = "global.fetch",
    };

    /// <summary>Other spellings of <c>require</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["process.mainModule.require"] = "require", ["module.require"] = "require", ["require.main.require"] = "require",
        ["module.constructor._load"] = "require", ["module.constructor.createRequire"] = "module.createRequire",
        ["global.require"] = "require",
    };

    /// <summary>Node internals user code has no business touching.</summary>
    public static readonly IReadOnlySet<string> ProcessInternals = new HashSet<string>(StringComparer.Ordinal)
    {
        "process.binding", "process._linkedBinding", "process.dlopen", "process.mainModule", "module.constructor", "process.execve",
        "process.setuid", "process.setgid", "process.initgroups",
    };

    /// <summary>Objects whose properties must not be reached by computed names.</summary>
    public static readonly IReadOnlySet<string> GuardedObjects = new HashSet<string>(StringComparer.Ordinal)
    {
        "global", "process", "require", "module", "Reflect", "ctor", "global.Function", "module.constructor", "process.mainModule",
    };

    /// <summary>Names whose presence in the argument of eval/Function marks decoded or assembled code.</summary>
    public static readonly IReadOnlySet<string> DecodeMarkers = new HashSet<string>(StringComparer.Ordinal)
    {
        "atob", "fromCharCode", "fromCodePoint", "Buffer", "unescape", "decodeURIComponent", "decodeURI", "reverse", "join",
        "split", "replace", "replaceAll", "charCodeAt", "inflateSync", "gunzipSync", "base64",
    };

    public static string NormalizeModule(string module) => module.StartsWith("node:", StringComparison.Ordinal) ? module[5..] : module;
}
