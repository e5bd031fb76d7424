namespace Warden.Checks.Tests;

/// <summary>
/// Hostile and broken input: every prefix of every corpus file (code cut off anywhere, inside
/// strings, comments and substitutions), and random text, must check without throwing.
/// </summary>
public sealed class RobustnessTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static TheoryData<string, string> Files()
    {
        var data = new TheoryData<string, string>();
        foreach (var (folder, language) in new[] { ("python", "python"), ("javascript", "javascript"), ("shell", "bash") })
            foreach (var file in Directory.GetFiles(Path.Combine(Root, folder)).Order(StringComparer.Ordinal))
                data.Add(language, Path.GetRelativePath(Root, file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Check_EveryPrefixOfACorpusFile_DoesNotThrow(string language, string relativePath)
    {
        var code = File.ReadAllText(Path.Combine(Root, relativePath));
        for (var n = 0; n <= code.Length; n++)
            CodeChecker.Check(language, code[..n], new CheckPolicy { Mode = CheckMode.Block });
    }

    [Theory]
    [InlineData("python")]
    [InlineData("javascript")]
    [InlineData("bash")]
    public void Check_RandomText_DoesNotThrow(string language)
    {
        var random = new Random(12345);
        const string alphabet = "abcxyz019 _.,;:()[]{}<>=+-*/%!&|^~'\"`$#@\\\n\t\rosystemevalrequire\0é𝐞";
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 80)];
            for (var k = 0; k < chars.Length; k++) chars[k] = alphabet[random.Next(alphabet.Length)];
            CodeChecker.Check(language, new string(chars), new CheckPolicy { Mode = CheckMode.Block });
        }
    }

    [Theory]
    [InlineData("bash", "x=a\n", "x=$x$x\n", 64)]
    [InlineData("python", "s = 'aaaa'", ".replace('a', 'aaaa')", 40)]
    [InlineData("javascript", "const s = 'ab'", ".concat(s, s, s, s)", 40)]
    [InlineData("javascript", "let s = 'aa'", ".split('').concat('a').join('aa')", 40)]
    public void Check_StringsThatGrowExponentially_StopBeingFolded(string language, string head, string step, int times)
    {
        var code = head + string.Concat(Enumerable.Repeat(step, times)) + "\n";
        CodeChecker.Check(language, code, new CheckPolicy { Mode = CheckMode.Block });
    }

    /// <summary>Shapes that once cost quadratic time (unbalanced brackets, long chains, rebinding); no time is asserted.</summary>
    [Theory]
    [InlineData("python", "x = x + 1\n")]
    [InlineData("python", "import os\nprint(os.path.join('a', 'b'))\n")]
    [InlineData("python", "'a' ")]
    [InlineData("python", "(")]
    [InlineData("python", "x[")]
    [InlineData("javascript", "[")]
    [InlineData("javascript", "a(")]
    [InlineData("javascript", "x.y")]
    [InlineData("javascript", "x = x + 1;\n")]
    [InlineData("bash", "sh | ")]
    [InlineData("bash", "echo \"$(ls | wc -l)\" | sort\n")]
    public void Check_LargeRepetitiveInput_Completes(string language, string unit) =>
        CodeChecker.Check(language, string.Concat(Enumerable.Repeat(unit, 20_000)), new CheckPolicy { Mode = CheckMode.Block });

    [Fact]
    public void Classify_EveryPrefixOfThePostgresCorpus_DoesNotThrow()
    {
        var sql = File.ReadAllText(Path.Combine(Root, "postgres", "statements.sql"));
        for (var n = 0; n <= sql.Length; n += 3)
            PostgresClassifier.Classify(sql[..n]);
    }
}
