using System.Text.Json;
using Warden.Checks.Json;

namespace Warden.Checks.Tests;

public sealed class PolicyTests
{
    private const string OsSystem = "import os\nos.system('id')\n";

    [Fact]
    public void Check_ModeOff_AnalysesNothing()
    {
        var report = CodeChecker.Check("python", OsSystem, new CheckPolicy { Mode = CheckMode.Off });
        Assert.False(report.Analyzed);
        Assert.Empty(report.Findings);
        Assert.False(report.Blocked);
    }

    [Theory]
    [InlineData("py", "python")]
    [InlineData("python3", "python")]
    [InlineData("node", "javascript")]
    [InlineData("js", "javascript")]
    [InlineData("shell", "shell")]
    [InlineData("bash", "shell")]
    [InlineData("sh", "shell")]
    public void Check_LanguageAliases_SelectTheChecker(string alias, string checker)
    {
        Assert.True(CodeChecker.Supports(alias));
        Assert.Equal(checker, CodeChecker.Check(alias, "").Language);
    }

    [Fact]
    public void Check_UnknownLanguage_Throws() =>
        Assert.Equal("language-unavailable", Assert.Throws<LanguageUnavailableException>(() => CodeChecker.Check("cobol", "x")).Code);

    [Fact]
    public void Check_KnownLanguageWithoutChecker_IsNotAnalysed()
    {
        var report = CodeChecker.Check("c", "int main(void) { system(\"rm -rf /\"); }");
        Assert.False(report.Analyzed);
        Assert.Equal("c", report.Language);
        Assert.False(CodeChecker.Supports("c"));
    }

    [Fact]
    public void Check_WarnMode_ReturnsFindingsWithoutBlocking()
    {
        var report = CodeChecker.Check("python", OsSystem, new CheckPolicy { Mode = CheckMode.Warn });
        Assert.Equal(Severity.Block, report.HighestSeverity);
        Assert.False(report.Blocked);
        Assert.Equal(report.Findings, CodeChecker.Enforce("python", OsSystem, new CheckPolicy { Mode = CheckMode.Warn }).Findings);
    }

    [Fact]
    public void Enforce_BlockMode_RefusesWithTheFindings()
    {
        var e = Assert.Throws<CodeCheckBlockedException>(() => CodeChecker.Enforce("python", OsSystem, new CheckPolicy { Mode = CheckMode.Block }));
        Assert.Equal("code-check-blocked", e.Code);
        Assert.Contains("py.process-exec", e.Message);
        Assert.True(e.Report.Blocked);
    }

    [Fact]
    public void Policy_DisabledRulePrefix_SilencesTheRules()
    {
        var report = CodeChecker.Check("python", OsSystem, new CheckPolicy { DisabledRules = ["py.*"] });
        Assert.Empty(report.Findings);
    }

    [Fact]
    public void Policy_EnabledRules_OnlyThoseRun()
    {
        var report = CodeChecker.Check("python", "import socket\nimport os\nos.system('x')\n", new CheckPolicy { EnabledRules = ["py.network"] });
        Assert.Equal(["py.network"], report.Findings.Select(f => f.RuleId));
    }

    [Fact]
    public void Policy_SeverityOverride_ExactIdWinsOverPrefix()
    {
        var policy = new CheckPolicy
        {
            Severities = new Dictionary<string, Severity> { ["py.*"] = Severity.Info, ["py.network"] = Severity.Block },
        };
        var report = CodeChecker.Check("python", "import socket\nimport os\nos.system('x')\n", policy);
        Assert.Equal(Severity.Block, report.Findings.Single(f => f.RuleId == "py.network").Severity);
        Assert.Equal(Severity.Info, report.Findings.Single(f => f.RuleId == "py.process-exec").Severity);
    }

    [Fact]
    public void Policy_AllowList_FlagsEveryOtherModule_AndExemptsItsOwnFromTheDenyList()
    {
        var policy = new CheckPolicy { Modules = new Dictionary<string, ModulePolicy> { ["py"] = new() { Allow = ["math", "ctypes", "os"] } } };
        var report = CodeChecker.Check("python", "import math, os.path, ctypes\nimport numpy as np\n", policy);
        var f = Assert.Single(report.Findings);
        Assert.Equal(("py.module-not-allowed", 2), (f.RuleId, f.Line));
    }

    [Fact]
    public void Policy_ExtraDeny_AddsToTheBuiltInList()
    {
        var policy = new CheckPolicy { Modules = new Dictionary<string, ModulePolicy> { ["javascript"] = new() { Deny = ["lodash"] } } };
        var report = CodeChecker.Check("js", "const _ = require('lodash');\nconst cp = require('child_process');\n", policy);
        Assert.Equal(["js.module-denied", "js.module-denied"], report.Findings.Select(f => f.RuleId));
    }

    [Fact]
    public void Policy_FromJson_ReadsEverySetting()
    {
        var policy = CheckPolicy.FromJson("""
            {
              // comments are fine
              "mode": "block",
              "disabledRules": ["sh.network"],
              "severities": { "py.eval-dynamic": "block" },
              "modules": { "python": { "allow": ["math"], "deny": ["requests"] } },
            }
            """);
        Assert.Equal(CheckMode.Block, policy.Mode);
        Assert.Equal(["sh.network"], policy.DisabledRules);
        Assert.Equal(Severity.Block, policy.Severities["py.eval-dynamic"]);
        Assert.Equal(["math"], policy.Modules["python"].Allow);
    }

    [Theory]
    [InlineData("""{ "mode": "block", "modee": "x" }""", "checks")]
    [InlineData("""{ "disabledRules": ["py.no-such-rule"] }""", "checks.disabledRules")]
    [InlineData("""{ "severities": { "nope.*": "warn" } }""", "checks.severities")]
    [InlineData("""{ "modules": { "bash": { "deny": ["x"] } } }""", "checks.modules.bash")]
    [InlineData("""{ "mode": "loud" }""", "checks.mode")]
    public void Policy_FromJson_RejectsUnknownKeysRulesAndLanguages(string json, string field)
    {
        var e = Assert.Throws<InvalidRequestException>(() => CheckPolicy.FromJson(json));
        Assert.StartsWith(field, e.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Json_IsCamelCaseWithLowercaseEnums()
    {
        var report = CodeChecker.Check("python", OsSystem, new CheckPolicy { Mode = CheckMode.Block });
        var json = JsonSerializer.Serialize(report, ChecksJsonContext.Default.CheckReport);
        Assert.Contains("\"ruleId\": \"py.process-exec\"", json);
        Assert.Contains("\"severity\": \"block\"", json);
        Assert.Contains("\"mode\": \"block\"", json);
        Assert.Contains("\"blocked\": true", json);
    }

    [Fact]
    public void Rules_EveryRuleHasAKnownLanguageAndAUniqueId()
    {
        Assert.Equal(CodeChecker.Rules.Count, CodeChecker.Rules.Select(r => r.Id).Distinct().Count());
        Assert.All(CodeChecker.Rules, r => Assert.Contains(r.Language, new[] { "python", "javascript", "shell" }));
    }

    [Fact]
    public void Check_HugeInput_IsRefused() =>
        Assert.Throws<InvalidRequestException>(() => CodeChecker.Check("python", new string('x', CodeChecker.MaxCodeLength + 1)));
}
