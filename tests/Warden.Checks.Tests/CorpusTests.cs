using Xunit.Abstractions;

namespace Warden.Checks.Tests;

/// <summary>
/// Bypass attempts, one file each under Corpus/&lt;language&gt;/. The first line is a comment
/// <c>expect: rule-id</c>; every case must produce a finding of that rule.
/// </summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Corpus");

    private static readonly Dictionary<string, string> LanguageByFolder = new()
    {
        ["python"] = "python",
        ["javascript"] = "javascript",
        ["shell"] = "bash",
    };

    public static TheoryData<string> Cases() => new(Files());

    private static IEnumerable<string> Files() =>
        LanguageByFolder.Keys.SelectMany(folder => Files(folder))
            .Select(file => Path.GetRelativePath(Root, file));

    private static IEnumerable<string> Files(string folder)
    {
        var dir = Path.Combine(Root, folder);
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Order(StringComparer.Ordinal) : [];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Check_BypassCase_IsFlaggedWithExpectedRule(string relativePath)
    {
        var (language, expected, code) = Load(relativePath);
        var report = CodeChecker.Check(language, code, new CheckPolicy { Mode = CheckMode.Block });
        foreach (var f in report.Findings) output.WriteLine($"{f.Line}:{f.Column} {f.Severity} {f.RuleId} {f.Message}");
        Assert.Contains(report.Findings, f => f.RuleId == expected);
    }

    [Fact]
    public void Corpus_HasAtLeastFortyCases_InEveryLanguage()
    {
        var counts = LanguageByFolder.Keys.ToDictionary(f => f, f => Files(f).Count());
        output.WriteLine(string.Join(", ", counts.Select(kv => $"{kv.Key}: {kv.Value}")) + $", total: {counts.Values.Sum()}");
        Assert.True(counts.Values.Sum() >= 40);
        Assert.All(counts.Values, c => Assert.True(c >= 10));
    }

    [Fact]
    public void Corpus_EveryExpectedRuleExists()
    {
        foreach (var relativePath in Files())
            Assert.Contains(CodeChecker.Rules, r => r.Id == Load(relativePath).Expected);
    }

    private static (string Language, string Expected, string Code) Load(string relativePath)
    {
        var code = File.ReadAllText(Path.Combine(Root, relativePath));
        var firstLine = code.Split('\n')[0];
        var marker = firstLine.IndexOf("expect:", StringComparison.Ordinal);
        Assert.True(marker >= 0, $"{relativePath}: the first line must say 'expect: rule-id'");
        var language = LanguageByFolder[relativePath.Split(Path.DirectorySeparatorChar)[0]];
        return (language, firstLine[(marker + "expect:".Length)..].Trim(), code);
    }
}
