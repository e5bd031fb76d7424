namespace Warden.Checks.Tests.Python;

public sealed class PythonCheckTests
{
    [Theory]
    [InlineData("# os.system('rm -rf /')\nx = 1\n")]
    [InlineData("print(\"never call os.system or eval(__import__('os')) here\")\n")]
    [InlineData("def f():\n    \"\"\"Uses exec( and __subclasses__ only in prose.\"\"\"\n    return 1\n")]
    [InlineData("s = 'import os; os.system(\"id\")'\nprint(len(s))\n")]
    [InlineData("x = type(3)\nwith open('data.csv') as f:\n    rows = f.read().splitlines()\n")]
    [InlineData("def encrypt(s):\n    return ''.join(chr(ord(c) + 4) for c in s)\n")]
    [InlineData("import math, re, hashlib\nfrom typing import List\nprint(math.floor(2.5), hashlib.md5(b'x').hexdigest())\n")]
    [InlineData("text = r'C:\\new\\table'\nb = b'\\x00\\xff'\nf = f'{text!r:>20}'\n")]
    [InlineData("system = 3\nprint(system + 1)\n")]
    public void Check_OrdinaryCode_HasNoFindings(string code) => CheckAssert.Clean("python", code);

    [Fact]
    public void Check_ImportOsAsAlias_FlagsSystemCall()
    {
        var f = CheckAssert.Flags("python", "import os as o\no.system('id')\n", "py.process-exec");
        Assert.Equal((2, 3, Severity.Block), (f.Line, f.Column, f.Severity));
        Assert.Contains("os.system", f.Message);
    }

    [Fact]
    public void Check_FromOsImportSystem_FlagsTheImportAndTheCall()
    {
        var report = CheckAssert.Run("python", "from os import system\nsystem('id')\n");
        Assert.Equal([1, 2], report.Findings.Where(f => f.RuleId == "py.process-exec").Select(f => f.Line));
    }

    [Fact]
    public void Check_AliasDefinedAfterUseInFunction_IsStillResolved() =>
        CheckAssert.Flags("python", "def go():\n    o.system('id')\nimport os as o\ngo()\n", "py.process-exec");

    [Fact]
    public void Check_LiteralDunderImport_IsAWarningAndItsUseIsBlocked()
    {
        var report = CheckAssert.Run("python", "__import__('os').system('id')\n");
        Assert.Contains(report.Findings, f => f.RuleId == "py.indirect-import" && f.Severity == Severity.Warn);
        Assert.Contains(report.Findings, f => f.RuleId == "py.process-exec" && f.Severity == Severity.Block);
    }

    [Fact]
    public void Check_EvalOfComputedText_IsOnlyAWarning() =>
        Assert.Equal(Severity.Warn, CheckAssert.Flags("python", "expr = str(1) + '+2'\nprint(eval(expr))\n", "py.eval-dynamic").Severity);

    [Fact]
    public void Check_ExecOfComputedText_IsBlocked() =>
        Assert.Equal(Severity.Block, CheckAssert.Flags("python", "code = input()\nexec(code)\n", "py.exec-dynamic").Severity);

    [Fact]
    public void Check_ExecOfLiteral_ChecksTheLiteralToo()
    {
        var report = CheckAssert.Run("python", "exec('import subprocess; subprocess.run([\"id\"])')\n");
        Assert.Contains(report.Findings, f => f.RuleId == "py.exec-literal");
        Assert.Contains(report.Findings, f => f.RuleId == "py.process-exec" && f.Message.StartsWith("in the code passed to exec", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_StringReassignedBeforeExec_IsNotTreatedAsTheFirstLiteral()
    {
        var report = CheckAssert.Run("python", "s = 'print(1)'\ns += input()\nexec(s)\n");
        Assert.Contains(report.Findings, f => f.RuleId == "py.exec-dynamic");
    }

    [Fact]
    public void Check_ChrBuiltModuleName_IsReportedAsObfuscated()
    {
        var report = CheckAssert.Run("python", "n = chr(115) + chr(117) + chr(98) + chr(112) + chr(114) + chr(111) + chr(99) + chr(101) + chr(115) + chr(115)\n");
        var f = Assert.Single(report.Findings);
        Assert.Equal("py.obfuscated-name", f.RuleId);
        Assert.Contains("'subprocess'", f.Message);
    }

    [Fact]
    public void Check_GetattrWithComputedNameOnPlainObject_IsAWarning() =>
        Assert.Equal(Severity.Warn, CheckAssert.Flags("python", "def f(obj, name):\n    return getattr(obj, name)\n", "py.getattr-computed").Severity);

    [Fact]
    public void Check_GetattrWithComputedNameOnModule_IsBlocked() =>
        CheckAssert.Flags("python", "import os\ndef f(name):\n    return getattr(os, name)\n", "py.getattr-dangerous");

    [Fact]
    public void Check_ImplicitStringConcatenationOfDunder_IsCaught() =>
        CheckAssert.Flags("python", "x = object.__getattribute__(int, '__sub' 'classes__')\n", "py.obfuscated-name");

    [Fact]
    public void Check_LineContinuationInsideChain_IsFollowed() =>
        CheckAssert.Flags("python", "import os\nos \\\n  .system('id')\n", "py.process-exec");

    [Fact]
    public void Check_ParenthesisedMultilineImport_BindsEveryName() =>
        Assert.Contains(CheckAssert.Run("python", "from os import (\n    path,\n    popen as p,\n)\np('id')\n").Findings,
            f => f.RuleId == "py.process-exec" && f.Line == 5);

    [Fact]
    public void Check_SubprocessConstantsOnly_AreNotFlagged() =>
        CheckAssert.Clean("python", "from subprocess import PIPE, DEVNULL\nprint(PIPE, DEVNULL)\n");

    [Theory]
    [InlineData("'''unterminated")]
    [InlineData("f'{'")]
    [InlineData("x = (((((")]
    [InlineData("\0\0\0import os\0")]
    [InlineData("}}}]]])))")]
    [InlineData("f'{x:{y:{z}}}'")]
    public void Check_MalformedInput_DoesNotThrow(string code) => CheckAssert.Run("python", code);

    [Fact]
    public void Check_DeeplyNestedExpression_DoesNotOverflowTheStack()
    {
        var code = new string('(', 50_000) + "os.system('id')" + new string(')', 50_000);
        CheckAssert.Run("python", "import os\n" + code);
        CheckAssert.Run("python", string.Concat(Enumerable.Repeat("f(", 20_000)) + new string(')', 20_000));
    }

    [Fact]
    public void Check_DeeplyNestedFStrings_DoNotOverflowTheStack()
    {
        var code = string.Concat(Enumerable.Repeat("f'{", 5_000)) + "1" + string.Concat(Enumerable.Repeat("}'", 5_000));
        CheckAssert.Run("python", code);
    }
}
