using System.Diagnostics;
using Kashika.Testing;
using Microsoft.Data.Sqlite;

namespace Kashika.Tests.EndToEnd;

/// <summary>The incremental cache: reruns read only new commits, rewritten history is read again, options are applied to
/// what is cached, and no kill, crash or second run at once ever leaves a wrong number.</summary>
public sealed class RelateCacheTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public RelateCacheTests()
    {
        dir.Repo("alpha").FastCommits(60, 8, seed: 1);
        dir.Repo("beta").FastCommits(40, 6, seed: 2);
    }

    public void Dispose() => dir.Dispose();

    private string CacheFolder => dir.Combine("cache");

    private CliResult Cached(params string[] arguments)
    {
        var result = KashikaProcess.Run(dir.Path, ["relate", "-f", "json", "-v", "--cache", CacheFolder, .. arguments]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result;
    }

    private string Fresh(params string[] arguments)
    {
        var result = KashikaProcess.Run(dir.Path, ["relate", "-f", "json", "--no-cache", .. arguments]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput;
    }

    [Fact]
    public void A_rerun_reads_only_new_commits_and_rewritten_history_again()
    {
        var first = Cached("alpha", "beta");
        Assert.Contains("alpha: native, 60 commits read; cache: first read", first.StandardError, StringComparison.Ordinal);
        Assert.Equal(Fresh("alpha", "beta"), first.StandardOutput);

        var warm = Cached("alpha", "beta");
        Assert.Contains("alpha: native, 0 commits read; cache: up to date", warm.StandardError, StringComparison.Ordinal);
        Assert.Contains("beta: native, 0 commits read; cache: up to date", warm.StandardError, StringComparison.Ordinal);
        Assert.Contains("alpha: 60 commits (0 read, the rest from the cache)", warm.StandardError, StringComparison.Ordinal);
        Assert.Equal(first.StandardOutput, warm.StandardOutput);

        var alpha = new GitRepoPath(dir.Combine("alpha"));
        alpha.Repo.GitAs("Person 3", "p3@example.org", "2030-01-01T00:00:00Z", "commit", "-q", "--allow-empty", "-m", "one more");
        var one = Cached("alpha", "beta");
        Assert.Matches("alpha: native, 1 commit read; cache: 1 new commit since [0-9a-f]{12}", one.StandardError);
        Assert.Contains("beta: native, 0 commits read", one.StandardError, StringComparison.Ordinal);
        Assert.Equal(Fresh("alpha", "beta"), one.StandardOutput);

        // A side line merged: both its commit and the merge are new.
        alpha.Repo.Git("checkout", "-q", "-b", "side", "HEAD~5");
        alpha.Repo.GitAs("Side Person", "side@example.org", "2030-01-02T00:00:00Z", "commit", "-q", "--allow-empty", "-m", "side");
        alpha.Repo.Git("checkout", "-q", "main");
        alpha.Repo.GitAs("Merger", "merger@example.org", "2030-01-03T00:00:00Z", "merge", "-q", "--no-ff", "-m", "merge side", "side");
        var merged = Cached("alpha", "beta");
        Assert.Contains("alpha: native, 2 commits read; cache: 2 new commits since", merged.StandardError, StringComparison.Ordinal);
        Assert.Equal(Fresh("alpha", "beta"), merged.StandardOutput);

        // History rewritten: the cached commit is no longer an ancestor, so the whole history is read again.
        alpha.Repo.Git("reset", "-q", "--hard", "HEAD~3");
        alpha.Repo.GitAs("Rewriter", "rewriter@example.org", "2030-02-01T00:00:00Z", "commit", "-q", "--allow-empty", "-m", "rewritten");
        var rewritten = Cached("alpha", "beta");
        Assert.Contains("alpha: native, 60 commits read; cache: ", rewritten.StandardError, StringComparison.Ordinal);
        Assert.Contains("is no longer in the history (rewritten): read again", rewritten.StandardError, StringComparison.Ordinal);
        Assert.Equal(Fresh("alpha", "beta"), rewritten.StandardOutput);
    }

    [Fact]
    public void Options_are_applied_to_what_is_cached_without_reading_again()
    {
        Cached("alpha", "beta");
        File.WriteAllText(dir.Combine("aliases"), "Person One <p1@example.org> <p2@example.org>\n");
        string[][] variants =
        [
            ["--by", "month"], ["--by", "year"], ["--merges"], ["--identity", "name"], ["--no-mailmap"], ["--aliases", "aliases"],
            ["--compat", "ossrel"], ["--include-bots", "--metric", "jaccard"],
        ];
        foreach (string[] options in variants)
        {
            var result = Cached([.. options, "alpha", "beta"]);
            Assert.Contains("alpha: native, 0 commits read; cache: up to date", result.StandardError, StringComparison.Ordinal);
            Assert.Equal(Fresh([.. options, "alpha", "beta"]), result.StandardOutput);
        }

        // Another revision is another entry; a date window is read from the repository (git's --since follows committer
        // dates through the graph), not from the cache.
        var older = Cached("--rev", "main~10", "alpha", "beta");
        Assert.Contains("alpha: native, 50 commits read; cache: first read", older.StandardError, StringComparison.Ordinal);
        Assert.Equal(Fresh("--rev", "main~10", "alpha", "beta"), older.StandardOutput);
        var window = Cached("--since", "2017-07-20", "alpha", "beta");
        Assert.DoesNotContain("cache:", window.StandardError, StringComparison.Ordinal);
        Assert.Equal(Fresh("--since", "2017-07-20", "alpha", "beta"), window.StandardOutput);
    }

    // A report written to a file, by way of the report cache; its bytes, and whether the cache held it.
    private (byte[] Report, bool FromCache, string[] Warnings) Written(params string[] arguments)
    {
        string output = dir.Combine($"report-{Guid.NewGuid():N}");
        var result = KashikaProcess.Run(dir.Path, ["relate", "--cache", CacheFolder, "-o", output, .. arguments]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        string[] warnings = [.. result.StandardError.Split('\n').Where(l => l.Contains("warning:", StringComparison.Ordinal))];
        return (File.ReadAllBytes(output), result.StandardError.Contains("from the report cache", StringComparison.Ordinal), warnings);
    }

    // The same report made from the repositories, without any cache.
    private byte[] Made(params string[] arguments)
    {
        string output = dir.Combine($"fresh-{Guid.NewGuid():N}");
        var result = KashikaProcess.Run(dir.Path, ["relate", "--no-cache", "-o", output, .. arguments]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return File.ReadAllBytes(output);
    }

    [Fact]
    public void A_report_made_before_is_copied_while_nothing_it_is_made_of_changed_and_made_anew_when_anything_did()
    {
        string[] network = ["--view", "network", "alpha", "beta"];
        var first = Written(network);
        Assert.False(first.FromCache);
        Assert.Contains(first.Warnings, w => w.Contains("kept each project's 20 strongest pairs", StringComparison.Ordinal));
        var again = Written(network);
        Assert.True(again.FromCache);
        Assert.Equal(first.Report, again.Report);
        Assert.Equal(first.Warnings, again.Warnings); // what the run said is said again
        Assert.Equal(Made(network), again.Report);

        // Other options are other reports: each made once, then copied.
        foreach (string[] options in (string[][])[["-f", "json"], ["--top", "1"], ["--metric", "jaccard"], ["--by", "year"], ["--rev", "main"], ["--no-mailmap"]])
        {
            Assert.False(Written([.. options, .. network]).FromCache, string.Join(' ', options));
            var copied = Written([.. options, .. network]);
            Assert.True(copied.FromCache, string.Join(' ', options));
            Assert.Equal(Made([.. options, .. network]), copied.Report);
        }

        // A revision only git resolves (main~3) is not told apart without reading: made every time.
        Assert.False(Written(["--rev", "main~3", .. network]).FromCache);
        Assert.False(Written(["--rev", "main~3", .. network]).FromCache);

        // What the histories are made of: a new commit, a mailmap in the work tree, an aliases file and its content.
        var alpha = new GitRepoPath(dir.Combine("alpha"));
        alpha.Repo.GitAs("Person 5", "p5@example.org", "2030-01-01T00:00:00Z", "commit", "-q", "--allow-empty", "-m", "one more");
        var committed = Written(network);
        Assert.False(committed.FromCache);
        Assert.Equal(Made(network), committed.Report);
        Assert.NotEqual(first.Report, committed.Report);

        File.WriteAllText(dir.Combine("alpha", ".mailmap"), "Person One <p1@example.org> <p2@example.org>\n");
        var mapped = Written(network);
        Assert.False(mapped.FromCache);
        Assert.Equal(Made(network), mapped.Report);
        Assert.NotEqual(committed.Report, mapped.Report);

        File.WriteAllText(dir.Combine("aliases"), "Person Three <p3@example.org> <p4@example.org>\n");
        Assert.False(Written(["--aliases", "aliases", .. network]).FromCache);
        Assert.True(Written(["--aliases", "aliases", .. network]).FromCache);
        File.WriteAllText(dir.Combine("aliases"), "Person Three <p3@example.org> <p5@example.org>\n");
        var aliased = Written(["--aliases", "aliases", .. network]);
        Assert.False(aliased.FromCache);
        Assert.Equal(Made(["--aliases", "aliases", .. network]), aliased.Report);

        // A damaged report in the cache is made again, never served.
        foreach (string kept in Directory.GetFiles(Path.Combine(CacheFolder, "reports"), "*.report"))
        {
            byte[] bytes = File.ReadAllBytes(kept);
            bytes[bytes.Length / 2] ^= 0x20;
            File.WriteAllBytes(kept, bytes);
        }

        var repaired = Written(network);
        Assert.False(repaired.FromCache);
        Assert.Equal(mapped.Report, repaired.Report);
        Assert.True(Written(network).FromCache);
        Assert.InRange(Directory.GetFiles(Path.Combine(CacheFolder, "reports"), "*.said").Length, 1, 8); // the newest kept
    }

    [Fact]
    public void A_damaged_cache_is_read_around_never_trusted()
    {
        string expected = Fresh("alpha", "beta");
        Cached("alpha", "beta");
        string file = Path.Combine(CacheFolder, "relate.sqlite");

        // A row whose log is damaged (cut short, or one byte changed) is read again, whole.
        using (var db = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "UPDATE history SET log = substr(log, 1, length(log) - 7) WHERE repository LIKE '%alpha%'; UPDATE history SET ids = substr(ids, 1, 20) WHERE repository LIKE '%beta%'";
            command.ExecuteNonQuery();
        }

        var damaged = Cached("alpha", "beta");
        Assert.Contains("alpha: native, 60 commits read; cache: its row for this repository was damaged (checksum): read again", damaged.StandardError, StringComparison.Ordinal);
        Assert.Contains("beta: native, 40 commits read; cache: its row for this repository was damaged", damaged.StandardError, StringComparison.Ordinal);
        Assert.Contains("warning: alpha: its row in the cache", damaged.StandardError, StringComparison.Ordinal);
        Assert.Equal(expected, damaged.StandardOutput);

        // One byte changed inside a cached author's address: the log still decodes, with another developer in it. The
        // row's checksum tells, and the repository is read again.
        using (var db = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            db.Open();
            byte[] log;
            using (var select = db.CreateCommand())
            {
                select.CommandText = "SELECT log FROM history WHERE repository LIKE '%alpha%'";
                log = (byte[])select.ExecuteScalar()!;
            }

            int at = System.Text.Encoding.ASCII.GetString(log).IndexOf("p1@example.org", StringComparison.Ordinal);
            Assert.True(at >= 0, "the address is in the log");
            log[at + 1] = (byte)'9';
            using var update = db.CreateCommand();
            update.CommandText = "UPDATE history SET log = $log WHERE repository LIKE '%alpha%'";
            update.Parameters.AddWithValue("$log", log);
            update.ExecuteNonQuery();
        }

        var flipped = Cached("alpha", "beta");
        Assert.Contains("alpha: its row in the cache", flipped.StandardError, StringComparison.Ordinal);
        Assert.Equal(expected, flipped.StandardOutput);

        // A file of another program with a table of that name, and a newer kashika's cache: named, and not used.
        SqliteConnection.ClearAllPools();
        foreach (var (name, sql, said) in new[]
        {
            ("foreign", "CREATE TABLE history (id INTEGER PRIMARY KEY, url TEXT, visited INTEGER)", "not a kashika cache"),
            ("newer", "PRAGMA user_version = 9", "written by a newer kashika (cache version 9"),
        })
        {
            Directory.CreateDirectory(dir.Combine(name));
            using (var db = new SqliteConnection($"Data Source={dir.Combine(name, "relate.sqlite")};Pooling=False"))
            {
                db.Open();
                using var command = db.CreateCommand();
                command.CommandText = sql;
                command.ExecuteNonQuery();
            }

            var other = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "--cache", dir.Combine(name), "alpha", "beta");
            Assert.Equal(0, other.ExitCode);
            Assert.Contains(said, other.StandardError, StringComparison.Ordinal);
            Assert.Equal(expected, other.StandardOutput);
        }

        // A file that is not SQLite at all: a warning, and the run reads without the cache.
        SqliteConnection.ClearAllPools();
        foreach (string f in Directory.GetFiles(CacheFolder))
        {
            File.Delete(f);
        }

        File.WriteAllText(file, "this is not a database, but someone's notes\n");

        // A cache folder that cannot be made (a file stands there): a warning, and the run reads without it.
        File.WriteAllText(dir.Combine("taken"), "a file, not a folder\n");
        var blocked = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "--cache", dir.Combine("taken"), "alpha", "beta");
        Assert.Equal(0, blocked.ExitCode);
        Assert.Contains("cannot be used as a cache", blocked.StandardError, StringComparison.Ordinal);
        Assert.Equal(expected, blocked.StandardOutput);
        var garbage = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "--cache", CacheFolder, "alpha", "beta");
        Assert.Equal(0, garbage.ExitCode);
        Assert.Contains("cannot be used as a cache", garbage.StandardError, StringComparison.Ordinal);
        Assert.Equal(expected, garbage.StandardOutput);
    }

    [Fact]
    public void Killed_runs_and_runs_at_once_never_leave_wrong_numbers()
    {
        foreach (string name in (string[])["gamma", "delta", "epsilon"])
        {
            dir.Repo(name).FastCommits(1500, 40, seed: name.Length);
        }

        string[] repos = ["alpha", "beta", "gamma", "delta", "epsilon"];
        var random = new Random(12);
        var timing = Stopwatch.StartNew();
        Cached(repos);
        int whole = (int)timing.ElapsedMilliseconds;
        for (int round = 0; round < 30; round++)
        {
            // Between runs a repository gains commits now and then, so that kills also land in incremental writes.
            if (round % 4 == 1)
            {
                new GitRepoPath(dir.Combine(repos[random.Next(repos.Length)])).Repo.FastCommits(random.Next(1, 30), 5, seed: round, start: 1700000000 + (round * 100000));
            }

            if (round % 10 == 5)
            {
                // Two runs at once on the same cache: both must finish and agree with a fresh read.
                var a = KashikaProcess.Start(dir.Path, ["relate", "-f", "json", "-o", "a.json", "--cache", CacheFolder, .. repos]);
                var b = KashikaProcess.Start(dir.Path, ["relate", "-f", "json", "-o", "b.json", "--cache", CacheFolder, .. repos]);
                a.WaitForExit();
                b.WaitForExit();
                Assert.Equal(0, a.ExitCode);
                Assert.Equal(0, b.ExitCode);
                string fresh = Fresh(repos);
                Assert.Equal(fresh, File.ReadAllText(dir.Combine("a.json")));
                Assert.Equal(fresh, File.ReadAllText(dir.Combine("b.json")));
                continue;
            }

            using var run = KashikaProcess.Start(dir.Path, ["relate", "-f", "json", "-o", "killed.json", "--cache", CacheFolder, .. repos]);
            Thread.Sleep(random.Next(whole + 1));
            try
            {
                run.Kill(); // SIGKILL
            }
            catch (InvalidOperationException)
            {
                // It had finished already.
            }

            run.WaitForExit();
            Assert.Equal(Fresh(repos), Cached(repos).StandardOutput);
        }
    }

    // A repository folder the tests made, to add commits to between runs.
    private sealed record GitRepoPath(string Path)
    {
        public GitRepo Repo { get; } = GitRepo.Open(Path);
    }
}
