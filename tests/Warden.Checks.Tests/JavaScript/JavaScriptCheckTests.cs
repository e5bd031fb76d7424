namespace Warden.Checks.Tests.JavaScript;

public sealed class JavaScriptCheckTests
{
    [Theory]
    [InlineData("// require('child_process').execSync('rm -rf /')\nconst x = 1;\n")]
    [InlineData("/* eval(atob('...')) */ console.log('never eval(x) or require(\"vm\")');\n")]
    [InlineData("const re = /require\\('child_process'\\)|eval\\(/g;\nconsole.log(re.test(s));\n")]
    [InlineData("const half = total / 2 / count;\nconst xs = [1, 2, 3].map(n => n * 2).join(',');\n")]
    [InlineData("const table = { a: 1 };\nfor (const k of Object.keys(table)) console.log(table[k]);\n")]
    [InlineData("class A { constructor(x) { this.x = x; } name() { return this.constructor.name; } }\n")]
    [InlineData("const shifted = s.split('').map(c => String.fromCharCode(c.charCodeAt(0) + 1)).join('');\n")]
    [InlineData("const msg = `total: ${items.length} items, eval is not used`;\nconsole.log(JSON.parse('{\"a\":1}'));\n")]
    [InlineData("import { readFile } from './local.js';\nexport default function f() { return 1; }\n")]
    public void Check_OrdinaryCode_HasNoFindings(string code) => CheckAssert.Clean("javascript", code);

    [Fact]
    public void Check_RequireChildProcess_IsBlockedAtTheModuleName()
    {
        var f = CheckAssert.Flags("js", "const cp = require('child_process');\n", "js.module-denied");
        Assert.Equal((1, 20, Severity.Block), (f.Line, f.Column, f.Severity));
    }

    [Fact]
    public void Check_RequireInsideTemplateSubstitution_IsSeen() =>
        CheckAssert.Flags("node", "console.log(`${require('child_process').execSync('id')}`);\n", "js.module-denied");

    [Fact]
    public void Check_EvalOfLiteral_IsAWarningAndItsContentsAreChecked()
    {
        var report = CheckAssert.Run("javascript", "eval(\"require('vm')\");\n");
        Assert.Contains(report.Findings, f => f.RuleId == "js.exec-literal" && f.Severity == Severity.Warn);
        Assert.Contains(report.Findings, f => f.RuleId == "js.module-denied" && f.Message.Contains("in the code passed to eval", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_BuiltModuleName_ReportsTheFoldedName()
    {
        var f = CheckAssert.Flags("javascript", "require('child_' + 'process');\n", "js.dynamic-require");
        Assert.Contains("'child_process'", f.Message);
    }

    [Fact]
    public void Check_ComputedMemberOnPlainObject_IsNotFlagged() =>
        CheckAssert.Clean("javascript", "const handlers = {};\nconst name = process.argv[2];\nhandlers[name]?.();\n");

    [Fact]
    public void Check_ComputedMemberOnProcess_IsBlocked() =>
        CheckAssert.Flags("javascript", "const k = process.argv[2];\nprocess[k]('x');\n", "js.computed-global");

    [Fact]
    public void Check_FsPromises_IsAFilesystemWarning() =>
        Assert.Equal(Severity.Warn, CheckAssert.Flags("javascript", "import { readFile } from 'node:fs/promises';\n", "js.filesystem").Severity);

    [Fact]
    public void Check_Fetch_IsANetworkWarning() =>
        Assert.Equal(Severity.Warn, CheckAssert.Flags("javascript", "await fetch('https://example.com');\n", "js.network").Severity);

    [Theory]
    [InlineData("`${`${`${")]
    [InlineData("'unterminated")]
    [InlineData("/unterminated regex")]
    [InlineData("/* never closed")]
    [InlineData("\\u{110000}\\u{zz}x = 1")]
    [InlineData("}}}))]]")]
    public void Check_MalformedInput_DoesNotThrow(string code) => CheckAssert.Run("javascript", code);

    [Fact]
    public void Check_DeeplyNestedInput_DoesNotOverflowTheStack()
    {
        CheckAssert.Run("javascript", new string('[', 50_000) + new string(']', 50_000));
        CheckAssert.Run("javascript", string.Concat(Enumerable.Repeat("`${", 5_000)));
    }
}
