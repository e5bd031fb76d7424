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

    [Fact]
    public void Classify_EveryPrefixOfThePostgresCorpus_DoesNotThrow()
    {
        var sql = File.ReadAllText(Path.Combine(Root, "postgres", "statements.sql"));
        for (var n = 0; n <= sql.Length; n += 3)
            PostgresClassifier.Classify(sql[..n]);
    }
}
