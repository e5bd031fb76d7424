using Xunit.Abstractions;

namespace Warden.Checks.Tests.Sql;

public sealed class PostgresClassifierTests(ITestOutputHelper output)
{
    private static readonly string CorpusPath = Path.Combine(AppContext.BaseDirectory, "Corpus", "postgres", "statements.sql");

    private static IEnumerable<(string Sql, StatementKind[] Expected)> Corpus()
    {
        var text = File.ReadAllText(CorpusPath);
        var cases = text.Split("-- @expect ", StringSplitOptions.None).Skip(1);
        foreach (var c in cases)
        {
            var newline = c.IndexOf('\n');
            var expected = c[..newline].Split(',').Select(k => Enum.Parse<StatementKind>(k.Trim(), ignoreCase: true)).ToArray();
            yield return (c[(newline + 1)..].TrimEnd(), expected);
        }
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (sql, expected) in Corpus()) data.Add(sql, string.Join(",", expected));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_LabelledStatement_HasTheExpectedKinds(string sql, string expected)
    {
        var result = PostgresClassifier.Classify(sql);
        foreach (var s in result) output.WriteLine($"{s.Kind}: {s.Text} — {string.Join("; ", s.Reasons)}");
        Assert.Equal(expected, string.Join(",", result.Select(s => s.Kind)));
    }

    [Fact]
    public void Corpus_HasAtLeastFortyLabelledStatements()
    {
        var statements = Corpus().Sum(c => c.Expected.Length);
        output.WriteLine($"{Corpus().Count()} cases, {statements} labelled statements");
        Assert.True(statements >= 40);
        foreach (var kind in Enum.GetValues<StatementKind>())
            Assert.Contains(Corpus(), c => c.Expected.Contains(kind));
    }

    [Fact]
    public void Classify_GivesReasonsForEverythingButReads()
    {
        var result = PostgresClassifier.Classify("SELECT 1; COPY t TO PROGRAM 'id'; DROP TABLE t");
        Assert.Empty(result[0].Reasons);
        Assert.Contains("PROGRAM", result[1].Reasons[0], StringComparison.Ordinal);
        Assert.Contains("DROP", result[2].Reasons[0], StringComparison.Ordinal);
        Assert.Equal([1, 1, 1], result.Select(r => r.Line));
    }

    [Fact]
    public void EnsureReadOnly_Reads_AreReturned() =>
        Assert.Equal(2, PostgresClassifier.EnsureReadOnly("SELECT 1; SELECT $$;$$").Count);

    [Fact]
    public void EnsureReadOnly_AnythingElse_IsRefusedWithEveryOffender()
    {
        var e = Assert.Throws<SqlRefusedException>(() => PostgresClassifier.EnsureReadOnly("SELECT 1; TRUNCATE users; SELECT pg_read_file('/etc/passwd')"));
        Assert.Equal(("sql-refused", "dangerous"), (e.Code, e.Reason));
        Assert.Contains("statement 2 (TRUNCATE users) is a write", e.Message, StringComparison.Ordinal);
        Assert.Contains("statement 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("pg_read_file() reads files", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureReadOnly_Empty_IsRefused() =>
        Assert.Equal("empty", Assert.Throws<SqlRefusedException>(() => PostgresClassifier.EnsureReadOnly(" -- nothing\n /* here */ ;")).Reason);

    [Theory]
    [InlineData("PREPARE p AS ")]
    [InlineData("EXPLAIN ANALYZE ")]
    [InlineData("begin ")]
    [InlineData("create trigger t begin ")]
    public void Classify_DeeplyNestedOrRepeatedInput_Completes(string unit)
    {
        var result = PostgresClassifier.Classify(string.Concat(Enumerable.Repeat(unit, 20_000)) + "DELETE FROM t");
        Assert.NotEqual(StatementKind.Read, result[^1].Kind);
    }

    [Theory]
    [InlineData("SELECT 'unterminated")]
    [InlineData("SELECT $$ unterminated")]
    [InlineData("/* /* unterminated */")]
    [InlineData("\"")]
    [InlineData("U&\"\\zzzz\"")]
    [InlineData("((((((((")]
    public void Classify_MalformedInput_DoesNotThrow(string sql) => PostgresClassifier.Classify(sql);
}
