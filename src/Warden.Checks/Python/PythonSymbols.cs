namespace Warden.Checks.Python;

/// <summary>What the Python checker knows about modules, functions and attributes.</summary>
internal static class PythonSymbols
{
    /// <summary>Names the interpreter provides without an import.</summary>
    public static readonly IReadOnlySet<string> Builtins = new HashSet<string>(StringComparer.Ordinal)
    {
        "__import__", "eval", "exec", "compile", "execfile", "getattr", "setattr", "delattr", "open", "chr", "bytes",
        "bytearray", "str", "globals", "locals", "vars", "map", "reversed", "list", "tuple", "breakpoint", "input",
        "memoryview", "type", "object",
    };

    /// <summary>Modules that are another name for one we know.</summary>
    private static readonly Dictionary<string, string> ModuleAliases = new(StringComparer.Ordinal)
    {
        ["posix"] = "os", ["nt"] = "os", ["__builtin__"] = "builtins", ["__builtins__"] = "builtins", ["_pickle"] = "pickle",
        ["cPickle"] = "pickle", ["_io"] = "io",
    };

    /// <summary>The policy's default deny list.</summary>
    public static readonly IReadOnlyList<string> DefaultDeniedModules = ["ctypes", "_ctypes", "cffi", "pty", "_posixsubprocess", "_winapi"];

    public static readonly IReadOnlySet<string> NetworkModules = new HashSet<string>(StringComparer.Ordinal)
    {
        "socket", "_socket", "urllib.request", "urllib3", "http.client", "requests", "httpx", "aiohttp", "ftplib", "smtplib",
        "telnetlib", "poplib", "imaplib", "paramiko", "websocket", "websockets", "xmlrpc.client", "socketserver", "http.server",
        "asyncssh", "pycurl",
    };

    /// <summary>Attributes used to climb from any object to the interpreter's internals.</summary>
    public static readonly IReadOnlySet<string> EscapeAttributes = new HashSet<string>(StringComparer.Ordinal)
    {
        "__subclasses__", "__globals__", "__builtins__", "__bases__", "__base__", "__mro__", "__code__", "__closure__",
        "__loader__", "__reduce__", "__reduce_ex__", "func_globals", "f_globals", "f_builtins", "f_locals", "f_back",
        "f_code", "gi_frame", "gi_code", "cr_frame", "ag_frame", "tb_frame", "co_code", "__getattribute__",
    };

    /// <summary>Reflection that ordinary code does use, but which is worth a warning.</summary>
    public static readonly IReadOnlySet<string> ReflectionAttributes = new HashSet<string>(StringComparer.Ordinal)
    {
        "__class__", "__dict__", "__self__", "__func__", "__init_subclass__", "__subclasshook__", "mro",
    };

    /// <summary>Names whose presence in the argument of exec/eval marks decoded or assembled code.</summary>
    public static readonly IReadOnlySet<string> DecodeMarkers = new HashSet<string>(StringComparer.Ordinal)
    {
        "b64decode", "b32decode", "b16decode", "b85decode", "a85decode", "standard_b64decode", "urlsafe_b64decode",
        "decodebytes", "decodestring", "fromhex", "unhexlify", "a2b_hex", "a2b_base64", "decompress", "loads", "decode",
        "chr", "reversed", "join", "bytes", "bytearray", "translate", "maketrans", "rot13", "unquote", "b64", "zlib",
    };

    private static readonly HashSet<string> SubprocessHarmless = new(StringComparer.Ordinal)
    {
        "PIPE", "STDOUT", "DEVNULL", "CalledProcessError", "TimeoutExpired", "SubprocessError", "CompletedProcess",
    };

    private static readonly Dictionary<string, (string Rule, string What)> Exact = new(StringComparer.Ordinal)
    {
        ["os.system"] = (PyRules.ProcessExec, "runs a shell command"),
        ["os.popen"] = (PyRules.ProcessExec, "runs a shell command"),
        ["os.forkpty"] = (PyRules.ProcessExec, "forks a process on a pseudo-terminal"),
        ["pty.spawn"] = (PyRules.ProcessExec, "spawns a program on a pseudo-terminal"),
        ["pty.fork"] = (PyRules.ProcessExec, "forks a process on a pseudo-terminal"),
        ["platform.popen"] = (PyRules.ProcessExec, "runs a shell command"),
        ["asyncio.create_subprocess_exec"] = (PyRules.ProcessExec, "starts a program"),
        ["asyncio.create_subprocess_shell"] = (PyRules.ProcessExec, "runs a shell command"),
        ["os.fork"] = (PyRules.ProcessControl, "forks the process"),
        ["os.kill"] = (PyRules.ProcessControl, "signals a process"),
        ["os.killpg"] = (PyRules.ProcessControl, "signals a process group"),
        ["os.setuid"] = (PyRules.ProcessControl, "changes the process identity"),
        ["os.setgid"] = (PyRules.ProcessControl, "changes the process identity"),
        ["os.setreuid"] = (PyRules.ProcessControl, "changes the process identity"),
        ["os.setresuid"] = (PyRules.ProcessControl, "changes the process identity"),
        ["os.chroot"] = (PyRules.ProcessControl, "changes the root directory"),
        ["marshal.loads"] = (PyRules.CodeObject, "turns bytes into code objects"),
        ["marshal.load"] = (PyRules.CodeObject, "turns bytes into code objects"),
        ["types.CodeType"] = (PyRules.CodeObject, "builds a code object"),
        ["types.FunctionType"] = (PyRules.CodeObject, "builds a function from a code object"),
        ["pickle.loads"] = (PyRules.Deserialize, "can run code while loading"),
        ["pickle.load"] = (PyRules.Deserialize, "can run code while loading"),
        ["pickle.Unpickler"] = (PyRules.Deserialize, "can run code while loading"),
        ["shelve.open"] = (PyRules.Deserialize, "unpickles while loading"),
        ["dill.loads"] = (PyRules.Deserialize, "can run code while loading"),
        ["dill.load"] = (PyRules.Deserialize, "can run code while loading"),
        ["cloudpickle.loads"] = (PyRules.Deserialize, "can run code while loading"),
        ["imp.load_source"] = (PyRules.DynamicImport, "loads a module from a file at run time"),
        ["imp.load_module"] = (PyRules.DynamicImport, "loads a module at run time"),
        ["importlib.util.spec_from_file_location"] = (PyRules.DynamicImport, "loads a module from a file at run time"),
        ["importlib.machinery.SourceFileLoader"] = (PyRules.DynamicImport, "loads a module from a file at run time"),
        ["runpy.run_path"] = (PyRules.DynamicImport, "runs a file as a module"),
        ["runpy.run_module"] = (PyRules.DynamicImport, "runs a module by name"),
        ["sys._getframe"] = (PyRules.Reflection, "reaches the caller's frames"),
        ["inspect.currentframe"] = (PyRules.Reflection, "reaches the caller's frames"),
        ["inspect.stack"] = (PyRules.Reflection, "reaches the caller's frames"),
        ["inspect.getouterframes"] = (PyRules.Reflection, "reaches the caller's frames"),
        ["gc.get_objects"] = (PyRules.Introspection, "enumerates every live object"),
        ["gc.get_referrers"] = (PyRules.Introspection, "walks the object graph"),
    };

    private static readonly (string Prefix, string Rule, string What)[] Prefixes =
    [
        ("os.exec", PyRules.ProcessExec, "replaces the process with another program"),
        ("os.spawn", PyRules.ProcessExec, "starts a program"),
        ("os.posix_spawn", PyRules.ProcessExec, "starts a program"),
        ("os.popen", PyRules.ProcessExec, "runs a shell command"),
        ("commands.get", PyRules.ProcessExec, "runs a shell command"),
        ("_posixsubprocess.", PyRules.ProcessExec, "starts a program"),
        ("asyncio.subprocess.", PyRules.ProcessExec, "starts a program"),
    ];

    /// <summary>Maps <c>posix.system</c> to <c>os.system</c> and the like.</summary>
    public static string Normalize(string qualified)
    {
        var dot = qualified.IndexOf('.');
        var head = dot < 0 ? qualified : qualified[..dot];
        return ModuleAliases.TryGetValue(head, out var real) ? real + (dot < 0 ? "" : qualified[dot..]) : qualified;
    }

    /// <summary>The rule a reference to <paramref name="qualified"/> breaks, if any.</summary>
    public static (string Rule, string What)? Lookup(string qualified)
    {
        if (Exact.TryGetValue(qualified, out var hit)) return hit;
        if (qualified.StartsWith("subprocess.", StringComparison.Ordinal))
        {
            var member = qualified["subprocess.".Length..];
            return SubprocessHarmless.Contains(member) || member.Contains('.') ? null : (PyRules.ProcessExec, "starts a program");
        }
        foreach (var (prefix, rule, what) in Prefixes)
            if (qualified.StartsWith(prefix, StringComparison.Ordinal)) return (rule, what);
        return null;
    }

    /// <summary>Whether a star import of <paramref name="module"/> brings a dangerous <paramref name="name"/> into scope.</summary>
    public static bool IsDangerousMember(string module, string name) => Lookup(Normalize(module) + "." + name) is not null;

    /// <summary>Modules whose attributes that are modules themselves we follow (so <c>importlib.util</c> stays a module).</summary>
    public static bool IsKnownSubmodule(string qualified) => qualified is "os.path" or "importlib.util" or "importlib.machinery"
        or "urllib.request" or "http.client" or "asyncio.subprocess" or "xml.etree";
}
