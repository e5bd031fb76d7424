using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Warden.Checks.Tests.Sql;

/// <summary>
/// Every write form against a real database file: refused with a clear error, and the file is
/// byte-for-byte unchanged. Each attack runs twice: through the whole guard, and with the
/// text layer switched off, to show SQLite's own layers (read-only open, query_only,
/// authorizer, read-only statement check) refuse it on their own.
/// </summary>
public sealed class SqliteGuardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("warden-sql-").FullName;
    private readonly string _db;

    public SqliteGuardTests()
    {
        _db = Path.Combine(_dir, "shop.db");
        using var c = new SqliteConnection($"Data Source={_db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, photo BLOB);
            CREATE INDEX idx_items_name ON items(name);
            CREATE VIEW cheap AS SELECT * FROM items WHERE price < 5;
            INSERT INTO items VALUES (1, 'apple', 1.5, x'00ff'), (2, 'pear | green', 2.25, NULL), (3, 'melon', 7, NULL);
            PRAGMA user_version = 3;
            """;
        cmd.ExecuteNonQuery();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Attacks() => new(
    [
        "INSERT INTO items VALUES (9, 'x', 1, NULL)",
        "INSERT OR REPLACE INTO items VALUES (1, 'x', 1, NULL)",
        "UPDATE items SET name = 'x'",
        "DELETE FROM items",
        "REPLACE INTO items VALUES (1, 'x', 1, NULL)",
        "INSERT INTO items VALUES (1, 'x', 1, NULL) ON CONFLICT(id) DO UPDATE SET name = 'upserted'",
        "WITH doomed AS (SELECT id FROM items) DELETE FROM items WHERE id IN doomed",
        "EXPLAIN DELETE FROM items",
        "DROP TABLE items",
        "DROP INDEX idx_items_name",
        "DROP VIEW cheap",
        "CREATE TABLE t2(x)",
        "CREATE TEMP TABLE t3(x)",
        "CREATE INDEX i2 ON items(price)",
        "CREATE VIEW v2 AS SELECT 1",
        "CREATE TRIGGER tr AFTER INSERT ON items BEGIN DELETE FROM items; END",
        "CREATE VIRTUAL TABLE f USING fts5(x)",
        "ALTER TABLE items ADD COLUMN z",
        "ALTER TABLE items RENAME TO items2",
        "ATTACH DATABASE 'other.db' AS other",
        "ATTACH ':memory:' AS m",
        "VACUUM",
        "VACUUM INTO 'copy.db'",
        "REINDEX",
        "ANALYZE",
        "PRAGMA user_version = 7",
        "PRAGMA journal_mode = WAL",
        "PRAGMA writable_schema = ON",
        "PRAGMA query_only = OFF",
        "PRAGMA main.application_id = 1",
        "SELECT load_extension('/tmp/evil.so')",
        "SELECT load_extension('libc.so.6', 'system')",
        "BEGIN IMMEDIATE",
        "SAVEPOINT s1",
        "SELECT 1; DELETE FROM items",
        "SELECT 1; SELECT 2",
        "/* harmless */ DELETE FROM items",
        "DELETE/**/FROM items",
        "SELECT 1 --\n; DELETE FROM items",
        "SELECT ';'; DELETE FROM items",
        "SELECT 1 /* ; */ ; DROP TABLE items",
        "SELECT 'x'; DROP TABLE items; --'",
        "SELECT name AS \"a;b\" FROM items; DROP TABLE items",
    ]);

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Query_WriteForm_IsRefusedAndTheFileIsUnchanged(string sql)
    {
        var before = Hash();
        var e = Assert.Throws<SqlRefusedException>(() => SqliteGuard.Query(_db, sql));
        Assert.Equal("sql-refused", e.Code);
        Assert.False(string.IsNullOrWhiteSpace(e.Reason));
        Assert.Contains("read-only", e.Message + " " + e.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, Hash());
        AssertNoNewFiles();
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Query_WriteForm_IsRefusedBySqliteItself_WithoutTheTextLayer(string sql)
    {
        var before = Hash();
        Assert.Throws<SqlRefusedException>(() => SqliteGuard.Query(_db, sql, null, default, textLayer: false));
        Assert.Equal(before, Hash());
        AssertNoNewFiles();
    }

    [Theory]
    [InlineData("INSERT INTO items VALUES (9, 'x', 1, NULL)", "write")]
    [InlineData("DROP TABLE items", "schema")]
    [InlineData("SELECT 1; SELECT 2", "multiple-statements")]
    [InlineData("ATTACH ':memory:' AS m", "attach")]
    [InlineData("   -- only a comment\n", "empty")]
    public void Query_Refusal_SaysWhy(string sql, string reason) =>
        Assert.Equal(reason, Assert.Throws<SqlRefusedException>(() => SqliteGuard.Query(_db, sql)).Reason);

    [Theory]
    [InlineData("INSERT INTO items VALUES (9, 'x', 1, NULL)", "write")]
    [InlineData("CREATE TABLE t2(x)", "schema")]
    [InlineData("PRAGMA user_version = 7", "pragma")]
    [InlineData("SELECT load_extension('x')", "function")]
    [InlineData("ATTACH ':memory:' AS m", "attach")]
    [InlineData("VACUUM", "not-read-only")]
    public void Query_AuthorizerRefusal_NamesTheAction(string sql, string reason)
    {
        var e = Assert.Throws<SqlRefusedException>(() => SqliteGuard.Query(_db, sql, null, default, textLayer: false));
        Assert.Equal(reason, e.Reason);
    }

    [Theory]
    [InlineData("SELECT 'DROP TABLE items; DELETE FROM items'", "DROP TABLE items; DELETE FROM items")]
    [InlineData("SELECT count(*) FROM items -- ; DROP TABLE items", 3L)]
    [InlineData("/* DROP TABLE items; */ SELECT count(*) FROM items", 3L)]
    [InlineData("SELECT count(*) FROM items;", 3L)]
    public void Query_StatementsInsideCommentsOrStrings_AreNotExecuted(string sql, object expected)
    {
        var before = Hash();
        var result = SqliteGuard.Query(_db, sql);
        Assert.Equal(expected, result.Rows[0][0]);
        Assert.Equal(before, Hash());
    }

    [Fact]
    public void Query_Select_ReturnsRowsAsJsonAndMarkdown()
    {
        var result = SqliteGuard.Query(_db, "SELECT id, name, price, photo FROM items ORDER BY id");
        Assert.Equal(["id", "name", "price", "photo"], result.Columns);
        Assert.Equal(3, result.Rows.Count);
        Assert.False(result.Truncated);

        using var json = JsonDocument.Parse(result.ToJson());
        Assert.Equal("AP8=", json.RootElement.GetProperty("rows")[0][3].GetString());
        Assert.Equal(2.25, json.RootElement.GetProperty("rows")[1][2].GetDouble());
        Assert.Equal(3, json.RootElement.GetProperty("rowCount").GetInt32());

        var md = result.ToMarkdown();
        Assert.StartsWith("| id | name | price | photo |\n| --- | --- | --- | --- |\n| 1 | apple | 1.5 | <blob 2 bytes> |\n", md, StringComparison.Ordinal);
        Assert.Contains("| 2 | pear \\| green | 2.25 | NULL |", md, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PRAGMA table_info(items)")]
    [InlineData("PRAGMA user_version")]
    [InlineData("SELECT * FROM pragma_table_info('items')")]
    [InlineData("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10) SELECT sum(x) FROM c")]
    [InlineData("VALUES (1, 'a'), (2, 'b')")]
    [InlineData("EXPLAIN QUERY PLAN SELECT * FROM items WHERE name = 'x'")]
    [InlineData("SELECT name FROM cheap")]
    [InlineData("SELECT sqlite_version(), json_object('a', 1), upper(name) FROM items")]
    public void Query_ReadingStatements_Run(string sql)
    {
        var before = Hash();
        Assert.NotEmpty(SqliteGuard.Query(_db, sql).Columns);
        Assert.Equal(before, Hash());
    }

    [Fact]
    public void Query_SlowRecursiveCte_IsStoppedByTheTimeBudget()
    {
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<SqlTimeoutException>(() => SqliteGuard.Query(_db,
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
            new SqlGuardOptions { Timeout = TimeSpan.FromMilliseconds(200) }));
        Assert.Equal("sql-timeout", e.Code);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Query_Cancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.ThrowsAny<OperationCanceledException>(() => SqliteGuard.Query(_db,
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
            new SqlGuardOptions { Timeout = TimeSpan.FromMinutes(1) }, cts.Token));
    }

    [Fact]
    public void Query_ManyRows_AreCutAtMaxRows()
    {
        var result = SqliteGuard.Query(_db, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5000) SELECT x FROM c",
            new SqlGuardOptions { MaxRows = 100 });
        Assert.Equal(100, result.Rows.Count);
        Assert.Equal("max-rows", result.TruncatedBy);
        Assert.Contains("_Truncated after 100 rows (max-rows)._", result.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void Query_WideRows_AreCutAtMaxBytes()
    {
        var result = SqliteGuard.Query(_db, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100) SELECT printf('%.1000c', 'x') FROM c",
            new SqlGuardOptions { MaxBytes = 10_000 });
        Assert.Equal(10, result.Rows.Count);
        Assert.Equal("max-bytes", result.TruncatedBy);
    }

    [Fact]
    public void Query_HugeValue_IsRefusedBySqlitesLengthLimit() =>
        Assert.Equal("too-big", Assert.Throws<SqlRefusedException>(() => SqliteGuard.Query(_db, "SELECT zeroblob(100000000)")).Reason);

    [Fact]
    public void Query_MissingDatabase_IsAnInvalidRequestAndCreatesNothing()
    {
        var missing = Path.Combine(_dir, "missing.db");
        Assert.Throws<InvalidRequestException>(() => SqliteGuard.Query(missing, "SELECT 1"));
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public void Query_MalformedSql_IsAnInvalidRequest() =>
        Assert.Equal("sql", Assert.Throws<InvalidRequestException>(() => SqliteGuard.Query(_db, "SELECT FROM WHERE")).Field);

    [Theory]
    [InlineData(0, 10, 4096)]
    [InlineData(1000, 0, 4096)]
    [InlineData(1000, 10, 10)]
    public void Query_OutOfRangeOptions_AreRejected(int timeoutMs, int maxRows, int maxBytes) =>
        Assert.Throws<InvalidRequestException>(() => SqliteGuard.Query(_db, "SELECT 1",
            new SqlGuardOptions { Timeout = TimeSpan.FromMilliseconds(timeoutMs), MaxRows = maxRows, MaxBytes = maxBytes }));

    private string Hash() => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(_db)));

    private void AssertNoNewFiles() => Assert.Equal(["shop.db"], Directory.GetFiles(_dir).Select(Path.GetFileName));
}
