using Warden.Linux.FastPath;
using Warden.Sandbox;

namespace Warden.Linux.Tests.FastPath;

/// <summary>Which zygote a Python run's text sends it to (the standard library set is a small stand-in for sys.stdlib_module_names).</summary>
public sealed class PythonImportsTests
{
    private static readonly HashSet<string> Stdlib = ["os", "sys", "json", "collections", "importlib", "__future__", "typing", "math", "re"];

    [Theory]
    [InlineData("print(1)")]
    [InlineData("import os\nimport sys, json as j\nfrom collections import Counter, defaultdict\nfrom os.path import join\n")]
    [InlineData("from __future__ import annotations\nfrom typing import (\n    List,\n    Dict,\n)\n")]
    [InlineData("def f():\n    import math\n    return math.pi\nif True: import re\ntry: import json\nexcept ImportError: pass\n")]
    [InlineData("x = 'import is a word'; y = {'from': 1}\n# from here on\nimported = 3\n")]
    public void StandardLibraryOnly_GoesToTheStandardZygote(string source) =>
        Assert.True(PythonImports.OnlyStandardLibrary(source, Stdlib));

    [Theory]
    [InlineData("import numpy as np")]
    [InlineData("import os, requests")]
    [InlineData("from scipy import stats")]
    [InlineData("import os; import yaml")]
    [InlineData("if x: import sklearn")]
    [InlineData("from . import helper")]
    [InlineData("from .helper import f")]
    [InlineData("import helper")] // a file of the request: it may import anything
    [InlineData("exec('import ' + 'numpy')")] // names a scientific module anywhere
    [InlineData("df = __import__('pandas')")]
    [InlineData("\timport\tmatplotlib.pyplot as plt")]
    [InlineData("from os import path\nimport collections.abc\nimport torch")]
    public void AnythingElse_GoesToTheScientificZygote(string source) =>
        Assert.False(PythonImports.OnlyStandardLibrary(source, Stdlib));

    [Fact]
    public void EveryPythonFileOfTheRequestCounts()
    {
        SandboxSpec Spec(params (string Path, string Text)[] files) => new()
        {
            Argv = ["python3", "main.py"],
            Limits = Warden.Policy.Limits.Default,
            Files = files.Select(f => new SandboxFile(f.Path, System.Text.Encoding.UTF8.GetBytes(f.Text))).ToList(),
            FastPath = new FastPathHint("python", "main.py", []),
        };
        Assert.True(PythonImports.OnlyStandardLibrary(Spec(("main.py", "import os"), ("data.csv", "numpy,pandas\n1,2\n")), Stdlib));
        Assert.False(PythonImports.OnlyStandardLibrary(Spec(("main.py", "import os"), ("lib/util.py", "import numpy")), Stdlib));
        Assert.False(PythonImports.OnlyStandardLibrary(Spec(("main.py", new string('#', PythonImports.MaxScannedBytes + 1))), Stdlib));
        Assert.False(PythonImports.OnlyStandardLibrary(Spec(("main.py", "print(1)")), new HashSet<string>())); // no list yet: scientific
    }
}
