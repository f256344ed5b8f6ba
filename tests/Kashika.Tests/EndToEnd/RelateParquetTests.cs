using System.Text.Json;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Kashika.Testing;

namespace Kashika.Tests.EndToEnd;

/// <summary>
/// relate export --parquet and --from-parquet, and docs/scale.md's SQL: run on DuckDB on an export, it must give
/// exactly relate's matrices, every metric, every period; the tables read back give the same report.
/// </summary>
public sealed partial class RelateParquetTests : IDisposable
{
    private static readonly string[] Repositories = ["a", "b", "c", "fork"];
    private static readonly string[] Metrics = ["ossrel", "sum-min", "jaccard", "shared"];
    private readonly TempDirectory dir = new();

    public RelateParquetTests()
    {
        // Shared people (Person k in every repository), merges every tenth commit, a bot, two years of history, and a
        // fork whose copied commits relate must not count as work shared.
        dir.Repo("a").FastCommits(400, 30, seed: 1).FastCommits(200, 10, seed: 4, start: 1_540_000_000).Commits("dependabot[bot]", "bot@dependabot.com", 3);
        var b = dir.Repo("b").FastCommits(300, 20, seed: 2, start: 1_500_100_000);
        dir.Repo("c").FastCommits(500, 40, seed: 3).FastCommits(100, 15, seed: 6, start: 1_540_100_000);
        // The fork's mailmap gives Person 3's address to Person 30 (so its copied commits are his there), whose own
        // address commits in b too: each side's copies must come off that side.
        b.Clone(dir.Combine("fork")).CommitFile(".mailmap", "Person 30 <p30@example.org> <p3@example.org>\n").FastCommits(100, 25, seed: 5, start: 1_540_000_000);
        b.FastCommits(80, 20, seed: 7, start: 1_540_200_000).Commits("Person 30", "p30@example.org", 4);
    }

    public void Dispose() => dir.Dispose();

    private JsonDocument Json(params string[] arguments)
    {
        var run = KashikaProcess.Run(dir.Path, ["relate", "--format", "json", .. arguments]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return JsonDocument.Parse(run.StandardOutput);
    }

    [Fact]
    public void The_documented_sql_gives_relates_matrices_on_duckdb()
    {
        KashikaProcess.Succeed(dir.Path, ["relate", "export", "--parquet", "out", "--by", "quarter", .. Repositories]);
        var rows = new Dictionary<(string Period, string A, string B), Dictionary<string, double>>();
        using (var db = new DuckDBConnection("DataSource=:memory:"))
        {
            db.Open();
            foreach (string table in new[] { "projects", "contributions", "copies" })
            {
                Execute(db, $"CREATE VIEW {table} AS SELECT * FROM read_parquet('{dir.Combine("out", table + ".parquet")}')");
            }

            using var query = db.CreateCommand();
            query.CommandText = DocumentedSql();
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                rows[(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = new()
                {
                    ["ossrel"] = reader.GetDouble(3), ["sum-min"] = Number(reader.GetValue(4)),
                    ["jaccard"] = reader.GetDouble(5), ["shared"] = Number(reader.GetValue(6)),
                };
            }

            // The earliest counted commit of the whole history: repository a's first, 1,500,000,000.
            Assert.Equal(1_500_000_000d, Scalar(db, "SELECT epoch(min(first_commit)) FROM contributions WHERE period = ''"));
            Assert.Equal(0d, Scalar(db, "SELECT count(*) FROM contributions WHERE identity LIKE '%dependabot%'"));
        }

        Assert.Contains(rows.Keys, k => k.Period.Length > 0);
        int cells = 0;
        foreach (string metric in Metrics)
        {
            using var report = Json(["--metric", metric, "--by", "quarter", .. Repositories]);
            var names = report.RootElement.GetProperty("projects").EnumerateArray().Select(p => p.GetString()!).ToList();
            var matrices = report.RootElement.GetProperty("periods").EnumerateArray()
                .Select(p => (Label: p.GetProperty("label").GetString()!, Matrix: p.GetProperty("matrix")))
                .Prepend(("", report.RootElement.GetProperty("matrix")));
            foreach (var (label, matrix) in matrices)
            {
                for (int i = 0; i < names.Count; i++)
                {
                    for (int j = i + 1; j < names.Count; j++)
                    {
                        double expected = matrix[i][j].GetDouble();
                        var found = rows.GetValueOrDefault((label, names[i], names[j])) ?? rows.GetValueOrDefault((label, names[j], names[i]));
                        Assert.True(expected == (found?[metric] ?? 0), $"{metric} {label} {names[i]}-{names[j]}: relate {expected}, SQL {found?[metric]}");
                        cells += expected > 0 ? 1 : 0;
                    }
                }
            }
        }

        // Every SQL row is a related pair of relate's (four metrics each), and the fork's copied commits made a difference.
        Assert.Equal(rows.Count * 4, cells);
        Assert.True(rows.ContainsKey(("", "b", "fork")));
    }

    [Fact]
    public void From_parquet_draws_the_same_report()
    {
        KashikaProcess.Succeed(dir.Path, ["relate", "export", "--parquet", "out", "--by", "month", .. Repositories]);
        using var direct = Json(["--by", "month", .. Repositories]);
        using var fromTables = Json("--from-parquet", "out");
        foreach (string part in new[] { "projects", "projectDetails", "matrix", "sumMin", "pairs", "periods", "copiedHistory", "people", "moves", "warnings" })
        {
            Assert.Equal(direct.RootElement.GetProperty(part).GetRawText(), fromTables.RootElement.GetProperty(part).GetRawText());
        }

        Assert.Equal("parquet", fromTables.RootElement.GetProperty("options").GetProperty("input").GetString());
        Assert.Equal("month", fromTables.RootElement.GetProperty("options").GetProperty("by").GetString());
        KashikaProcess.Succeed(dir.Path, "relate", "--from-parquet", "out", "-o", "relate.html");
        Assert.True(new FileInfo(dir.Combine("relate.html")).Length > 10_000);
    }

    [Theory]
    [InlineData("")] // DuckDB's defaults: OPTIONAL columns, dictionary-encoded strings, INT32/INT64 as the export's
    [InlineData(", ROW_GROUP_SIZE 100, COMPRESSION uncompressed")] // many row groups, plain pages
    public void Tables_rewritten_by_duckdb_read_back_the_same(string copyOptions)
    {
        KashikaProcess.Succeed(dir.Path, ["relate", "export", "--parquet", "out", "--by", "quarter", .. Repositories]);
        Directory.CreateDirectory(dir.Combine("duck"));
        using (var db = new DuckDBConnection("DataSource=:memory:"))
        {
            db.Open();
            foreach (string table in new[] { "projects", "contributions", "copies" })
            {
                Execute(db, $"COPY (SELECT * FROM read_parquet('{dir.Combine("out", table + ".parquet")}')) TO '{dir.Combine("duck", table + ".parquet")}' (FORMAT PARQUET{copyOptions})");
            }
        }

        using var original = Json("--from-parquet", "out");
        using var rewritten = Json("--from-parquet", "duck");
        foreach (string part in new[] { "projects", "projectDetails", "matrix", "sumMin", "pairs", "periods", "copiedHistory", "people", "moves", "warnings" })
        {
            Assert.Equal(original.RootElement.GetProperty(part).GetRawText(), rewritten.RootElement.GetProperty(part).GetRawText());
        }
    }

    [Theory]
    [InlineData("CASE WHEN period <> '' THEN '2019-Q9' ELSE period END AS period", "", "period '2019-Q9' is not a year, quarter or month")]
    [InlineData("-commits AS commits", "", "contributions.parquet, row group 1: column commits holds -")]
    [InlineData("NULL::VARCHAR AS identity", "", "contributions.parquet, row group 1: column identity is empty (null) in row 1")]
    [InlineData("9223372036854775000 AS commits", "", "9,223,372,036,854,775,000 commits of")]
    [InlineData("commits AS commits", " UNION ALL (SELECT * FROM read_parquet('SOURCE') LIMIT 1)", "is in the tables twice")]
    public void Damaged_tables_are_input_errors_naming_what_is_wrong(string replace, string more, string message)
    {
        KashikaProcess.Succeed(dir.Path, ["relate", "export", "--parquet", "out", "--by", "quarter", .. Repositories]);
        Directory.CreateDirectory(dir.Combine("bad"));
        File.Copy(dir.Combine("out", "projects.parquet"), dir.Combine("bad", "projects.parquet"));
        File.Copy(dir.Combine("out", "copies.parquet"), dir.Combine("bad", "copies.parquet"));
        string source = dir.Combine("out", "contributions.parquet");
        using (var db = new DuckDBConnection("DataSource=:memory:"))
        {
            db.Open();
            Execute(db, $"COPY (SELECT * REPLACE ({replace}) FROM read_parquet('{source}'){more.Replace("SOURCE", source, StringComparison.Ordinal)}) TO '{dir.Combine("bad", "contributions.parquet")}' (FORMAT PARQUET)");
        }

        var run = KashikaProcess.Run(dir.Path, "relate", "--from-parquet", "bad", "-f", "json");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains(message, run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
        Assert.Equal("", run.StandardOutput);
    }

    [Fact]
    public void An_export_is_one_set_and_a_mixed_or_incomplete_one_is_refused()
    {
        KashikaProcess.Succeed(dir.Path, "relate", "export", "--parquet", "out", "a", "b", "fork");
        KashikaProcess.Succeed(dir.Path, "relate", "export", "--parquet", "other", "a", "b", "c");
        // The same counts make the same files (the export's id is a hash of its rows).
        KashikaProcess.Succeed(dir.Path, "relate", "export", "--parquet", "again", "a", "b", "fork");
        foreach (string table in new[] { "projects", "contributions", "copies" })
        {
            Assert.Equal(File.ReadAllBytes(dir.Combine("out", table + ".parquet")), File.ReadAllBytes(dir.Combine("again", table + ".parquet")));
        }

        CliResult FromTables(string folder) => KashikaProcess.Run(dir.Path, "relate", "--from-parquet", folder, "-f", "json");

        // An export interrupted between its renames: one table of the new export beside two of the old.
        CopyFolder("out", "mixed");
        File.Copy(dir.Combine("other", "contributions.parquet"), dir.Combine("mixed", "contributions.parquet"), overwrite: true);
        var mixed = FromTables("mixed");
        Assert.Equal(3, mixed.ExitCode);
        Assert.Contains("mixed: its tables come from different exports", mixed.StandardError, StringComparison.Ordinal);

        // Without copies.parquet a fork's copied history would count as work shared.
        CopyFolder("out", "incomplete");
        File.Delete(dir.Combine("incomplete", "copies.parquet"));
        var incomplete = FromTables("incomplete");
        Assert.Equal(3, incomplete.ExitCode);
        Assert.Matches("incomplete: copies.parquet of export [0-9a-f]{16} is missing", incomplete.StandardError);

        // A stray copy of one table would be counted twice.
        CopyFolder("out", "stray");
        File.Copy(dir.Combine("stray", "contributions.parquet"), dir.Combine("stray", "contributions (1).parquet"));
        var stray = FromTables("stray");
        Assert.Equal(3, stray.ExitCode);
        Assert.Contains("stray/contributions (1).parquet: not one of export", stray.StandardError, StringComparison.Ordinal);

        // Tables rewritten by another program, all three of them, are taken; without copies they are not.
        Assert.Equal(0, FromTables("out").ExitCode);
    }

    private void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(dir.Combine(to));
        foreach (string file in Directory.GetFiles(dir.Combine(from)))
        {
            File.Copy(file, dir.Combine(to, Path.GetFileName(file)));
        }
    }

    [Fact]
    public void The_neighbours_table_holds_each_projects_strongest_pairs_and_communities_as_the_network_report_does()
    {
        KashikaProcess.Succeed(dir.Path, ["relate", "export", "--parquet", "out", "--top", "2", .. Repositories]);
        using var report = Json(["--top", "2", .. Repositories]);
        var sparse = report.RootElement.GetProperty("sparse");
        var names = report.RootElement.GetProperty("projects").EnumerateArray().Select(p => p.GetString()!).ToList();
        var pairs = report.RootElement.GetProperty("pairs").EnumerateArray().ToDictionary(p => (p.GetProperty("a").GetInt32(), p.GetProperty("b").GetInt32()));
        var expected = new List<string>();
        for (int a = 0; a < names.Count; a++)
        {
            int rank = 0;
            foreach (int b in sparse.GetProperty("neighbours")[a].EnumerateArray().Select(n => n.GetInt32()))
            {
                var pair = pairs[(Math.Min(a, b), Math.Max(a, b))];
                expected.Add(string.Join('|', names[a], sparse.GetProperty("communities")[a].GetInt32(), ++rank, names[b], sparse.GetProperty("communities")[b].GetInt32(),
                    pair.GetProperty("value").GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture), pair.GetProperty("sumMin").GetInt64(),
                    pair.GetProperty("shared").GetArrayLength()));
            }
        }

        var rows = new List<string>();
        using (var db = new DuckDBConnection("DataSource=:memory:"))
        {
            db.Open();
            using var query = db.CreateCommand();
            query.CommandText = $"SELECT project, project_community, rank, neighbour, neighbour_community, relatedness, sum_min, shared FROM read_parquet('{dir.Combine("out", "neighbours.parquet")}')";
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(string.Join('|', reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt32(4),
                    reader.GetDouble(5).ToString("R", System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(6), reader.GetInt32(7)));
            }
        }

        Assert.Equal(2 * names.Count, rows.Count);
        Assert.Equal(expected, rows);

        // Relating the tables again does not need it.
        File.Delete(dir.Combine("out", "neighbours.parquet"));
        using var again = Json("--from-parquet", "out", "--top", "2");
        Assert.Equal(sparse.GetProperty("neighbours").GetRawText(), again.RootElement.GetProperty("sparse").GetProperty("neighbours").GetRawText());
    }

    [Fact]
    public void Exports_of_two_machines_relate_as_one_set()
    {
        KashikaProcess.Succeed(dir.Path, "relate", "export", "--parquet", "host1", "a", "b", "fork");
        KashikaProcess.Succeed(dir.Path, "relate", "export", "--parquet", "host2", "c");
        using var whole = Json([.. Repositories]);
        using var joined = Json("--from-parquet", "host1", "--from-parquet", "host2");
        static Dictionary<(string, string), double> Cells(JsonDocument report)
        {
            var names = report.RootElement.GetProperty("projects").EnumerateArray().Select(p => p.GetString()!).ToList();
            var matrix = report.RootElement.GetProperty("matrix");
            return names.SelectMany((a, i) => names.Select((b, j) => ((a, b), matrix[i][j].GetDouble()))).ToDictionary(x => x.Item1, x => x.Item2);
        }

        Assert.Equal(Cells(whole).OrderBy(c => c.Key).ToList(), Cells(joined).OrderBy(c => c.Key).ToList());
        // Input order within each export, then name across them.
        Assert.Equal(["a", "c", "b", "fork"], joined.RootElement.GetProperty("projects").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void Tables_that_are_not_an_export_are_input_errors()
    {
        Directory.CreateDirectory(dir.Combine("bad"));
        File.WriteAllText(dir.Combine("bad", "projects.parquet"), "not parquet");
        File.WriteAllText(dir.Combine("bad", "contributions.parquet"), "not parquet");
        var run = KashikaProcess.Run(dir.Path, "relate", "--from-parquet", "bad");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("bad/projects.parquet: not a table of a relate export", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("relate.html")));

        Assert.Equal(3, KashikaProcess.Run(dir.Path, "relate", "--from-parquet", "missing").ExitCode);
        Assert.Equal(2, KashikaProcess.Run(dir.Path, "relate", "--from-parquet", "bad", "a").ExitCode);
        Assert.Equal(2, KashikaProcess.Run(dir.Path, "relate", "--from-parquet", "bad", "--by", "year").ExitCode);

        // Another program's Parquet file: the columns are checked, and the file named.
        KashikaProcess.Succeed(dir.Path, "relate", "export", "--parquet", "good", "a", "b");
        File.Copy(dir.Combine("good", "copies.parquet"), dir.Combine("bad", "projects.parquet"), overwrite: true);
        File.Copy(dir.Combine("good", "contributions.parquet"), dir.Combine("bad", "contributions.parquet"), overwrite: true);
        run = KashikaProcess.Run(dir.Path, "relate", "--from-parquet", "bad");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("bad/projects.parquet: no column project of the type an export writes", run.StandardError, StringComparison.Ordinal);
    }

    // The SQL block of docs/scale.md between its markers: the test runs what the documentation says.
    private static string DocumentedSql()
    {
        string doc = File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "docs", "scale.md"));
        var match = SqlBlock().Match(doc);
        Assert.True(match.Success, "docs/scale.md has no relate-sql block");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"<!-- relate-sql -->\s*```sql\n(.*?)```\s*<!-- /relate-sql -->", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();

    private static void Execute(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // DuckDB sums int64 into a 128-bit integer.
    private static double Number(object value) =>
        value is System.Numerics.BigInteger big ? (double)big : Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);

    private static double Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Number(command.ExecuteScalar()!);
    }
}
