// (The package version is the one pinned in Directory.Packages.props.)
// Runs docs/scale.md's relatedness SQL on DuckDB (DuckDB.NET) over an export, and prints how long it took.
//   dotnet run bench/relate-scale-sql.cs -- DOCS_SCALE_MD EXPORT_DIR
#:package DuckDB.NET.Data.Full
using System.Diagnostics;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;

string doc = File.ReadAllText(args[0]);
string sql = Regex.Match(doc, @"<!-- relate-sql -->\s*```sql\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
using var db = new DuckDBConnection("DataSource=:memory:");
db.Open();
foreach (string table in new[] { "projects", "contributions", "copies" })
{
    using var view = db.CreateCommand();
    view.CommandText = $"CREATE VIEW {table} AS SELECT * FROM read_parquet('{Path.Combine(args[1], table + "*.parquet")}')";
    view.ExecuteNonQuery();
}

var clock = Stopwatch.StartNew();
using var query = db.CreateCommand();
query.CommandText = sql;
using var reader = query.ExecuteReader();
long rows = 0;
while (reader.Read())
{
    rows++;
}

Console.WriteLine($"{clock.Elapsed.TotalSeconds:F2} {rows}");
