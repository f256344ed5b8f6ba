using System.Diagnostics;
using System.Text.Json;
using Kashika.Testing;

namespace Kashika.Tests.EndToEnd;

/// <summary>The real CLI on real git repositories that the tests build.</summary>
public sealed class RelateEndToEndTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    // alpha and beta share Ann (5/2 commits) and Bob (3/4, mailmapped in beta); beta and gamma share José.
    private void BuildThree()
    {
        dir.Repo("alpha")
            .Commits("Ann Lee", "ann@example.org", 5)
            .Commits("Bob Stone", "bob@example.org", 3)
            .Commits("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", 4);
        dir.Repo("beta")
            .CommitFile(".mailmap", "Bob Stone <bob@example.org> <bob@old-laptop.local>\n")
            .Commits("ann lee", "ANN@Example.org", 2)
            .Commits("bob", "bob@old-laptop.local", 4)
            .Commits("José Müller 山田", "jose@example.org", 6)
            .Merge("Cid", "cid@example.org", "Cid", "cid@example.org");
        dir.Repo("gamma").Commits("José Müller 山田", "jose@example.org", 1);
    }

    private static JsonElement Json(CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StandardError}");
        return JsonDocument.Parse(result.StandardOutput).RootElement;
    }

    private static long[][] SumMin(JsonElement json) =>
        json.GetProperty("sumMin").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();

    [Fact]
    public void Relates_repositories_with_mailmap_bots_and_merges_handled()
    {
        BuildThree();
        var json = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "alpha", "beta", "gamma"));
        Assert.Equal("kashika.relate/2", json.GetProperty("schema").GetString());
        Assert.Equal(["alpha", "beta", "gamma"], json.GetProperty("projects").EnumerateArray().Select(p => p.GetString()));
        var sumMin = SumMin(json);
        Assert.Equal(2 + 3, sumMin[0][1]);
        Assert.Equal(1, sumMin[1][2]);
        Assert.Equal(0, sumMin[0][2]);
        Assert.Equal(Math.Sqrt(5), json.GetProperty("matrix")[0][1].GetDouble());

        var alpha = json.GetProperty("projectDetails")[0];
        Assert.Equal(8, alpha.GetProperty("commits").GetInt64());
        Assert.Equal(4, alpha.GetProperty("excludedBotCommits").GetInt64());
        var beta = json.GetProperty("projectDetails")[1];
        Assert.Equal(1, beta.GetProperty("excludedMergeCommits").GetInt64());
        Assert.Equal(5, beta.GetProperty("developers").GetInt32()); // the .mailmap committer, Ann, Bob, José, Cid

        var pair = json.GetProperty("pairs").EnumerateArray().Single(p => p.GetProperty("a").GetInt32() == 0 && p.GetProperty("b").GetInt32() == 1);
        var shared = pair.GetProperty("shared").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(["Ann Lee", "Bob Stone"], shared.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(5, shared["Ann Lee"].GetProperty("commitsA").GetInt32());
        Assert.Equal(2, shared["Ann Lee"].GetProperty("commitsB").GetInt32());
        Assert.Equal(4, shared["Bob Stone"].GetProperty("commitsB").GetInt32());
        Assert.Equal("dependabot[bot]", json.GetProperty("excludedBots")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void Merges_and_bots_are_counted_when_asked()
    {
        BuildThree();
        var json = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--merges", "--include-bots", "alpha", "beta"));
        Assert.Equal(12, json.GetProperty("projectDetails")[0].GetProperty("commits").GetInt64()); // with the bot's 4
        Assert.Equal(16, json.GetProperty("projectDetails")[1].GetProperty("commits").GetInt64()); // with the merge
        Assert.Equal(0, json.GetProperty("projectDetails")[1].GetProperty("excludedMergeCommits").GetInt64());
        Assert.Equal(0, json.GetProperty("excludedBots").GetArrayLength());
    }

    [Fact]
    public void A_folder_stands_for_its_repositories_in_name_order_and_names_drop_dot_git()
    {
        BuildThree();
        GitRepo.Git(dir.Path, "clone", "-q", "--bare", "gamma", "delta.git");
        var json = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json"));
        Assert.Equal(["alpha", "beta", "delta", "gamma"], json.GetProperty("projects").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(1, SumMin(json)[2][3]); // a bare clone relates to its origin

        // A bare repository has no work tree: git reads its HEAD:.mailmap, which merges Bob's old address.
        GitRepo.Git(dir.Path, "clone", "-q", "--bare", "beta", "bare/beta.git");
        var bare = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "alpha", "bare"));
        Assert.Equal(2 + 3, SumMin(bare)[0][1]);

        var named = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "first=gamma", "second=delta.git"));
        Assert.Equal(["first", "second"], named.GetProperty("projects").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void With_no_path_inside_a_repository_that_repository_is_the_project()
    {
        dir.Repo("solo").Commits("Ann", "ann@example.org", 2);
        var json = Json(KashikaProcess.Run(dir.Combine("solo"), "relate", "--format", "json"));
        Assert.Equal(["solo"], json.GetProperty("projects").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(2, json.GetProperty("projectDetails")[0].GetProperty("commits").GetInt64());
    }

    [Fact]
    public void Aliases_merge_one_person_across_repositories()
    {
        dir.Repo("one").Commits("Kim", "kim@work.example", 3);
        dir.Repo("two").Commits("Kim", "kim@home.example", 2);
        File.WriteAllText(dir.Combine("aliases"), "Kim <kim@work.example> <kim@home.example>\n");
        Assert.Equal(0, SumMin(Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "one", "two")))[0][1]);
        Assert.Equal(2, SumMin(Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--aliases", "aliases", "one", "two")))[0][1]);
        Assert.Equal(2, SumMin(Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--identity", "name", "one", "two")))[0][1]);
    }

    [Fact]
    public void Identity_person_joins_one_persons_addresses_and_suggests_them_as_a_mailmap()
    {
        // Kim Park used one address in one and another in two; the projects share Ann and Bo, so the name joins them.
        foreach (string repo in new[] { "one", "two" })
        {
            dir.Repo(repo).Commits("Ann Lee", "ann@example.org", 2).Commits("Bo Kim", "bo@example.org", 2)
                .Commits("Kim Park", repo == "one" ? "kim@work.example" : "kpark@home.example", repo == "one" ? 3 : 2);
        }

        Assert.Equal(4, SumMin(Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--identity", "email", "one", "two")))[0][1]);
        var json = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "one", "two")); // person is the default
        Assert.Equal(6, SumMin(json)[0][1]);
        var join = json.GetProperty("identityJoins")[0];
        Assert.Equal("kim@work.example", join.GetProperty("person").GetString());
        Assert.Contains("one and two share 2 other developers", join.GetProperty("reason").GetString(), StringComparison.Ordinal);

        var suggested = KashikaProcess.Run(dir.Path, "relate", "--suggest-aliases", "one", "two");
        Assert.Equal(0, suggested.ExitCode);
        Assert.Contains("Kim Park <kim@work.example> <kpark@home.example>\n", suggested.StandardOutput, StringComparison.Ordinal);
        File.WriteAllText(dir.Combine("people.mailmap"), suggested.StandardOutput);
        Assert.Equal(6, SumMin(Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--identity", "email", "--aliases", "people.mailmap", "one", "two")))[0][1]);
    }

    [Fact]
    public void With_periods_the_json_carries_each_persons_activity_and_the_moves()
    {
        // A commit a day from 2020-01-01 in each repository, and Ann's and Lee's in two on February 10 and 11.
        dir.Repo("one").Commits("Lee", "lee@example.org", 31).Commits("Kim", "kim@example.org", 3);
        dir.Repo("two").Commits("Kim", "kim@example.org", 1).Commit("Ann", "ann@example.org", authorDate: DateTimeOffset.Parse("2020-02-10T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture))
            .Commit("Lee", "lee@example.org", authorDate: DateTimeOffset.Parse("2020-02-11T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var json = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--by", "month", "one", "two"));
        Assert.Equal(["2020-01", "2020-02"], json.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        var people = json.GetProperty("people").EnumerateArray().ToList();
        Assert.Equal(["kim@example.org", "lee@example.org"], people.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(["0,0,31", "1,1,1"], people[1].GetProperty("activity").EnumerateArray().Select(a => string.Join(',', a.EnumerateArray().Select(v => v.GetInt32()))));
        var moves = json.GetProperty("moves").EnumerateArray()
            .Select(m => $"{m.GetProperty("period").GetInt32()}:{m.GetProperty("from").GetInt32()}>{m.GetProperty("to").GetInt32()} {string.Join(',', m.GetProperty("people").EnumerateArray().Select(x => x.GetString()))}");
        // Lee: one in January, two in February. Kim: two in January (day 1), one in February (days 32-34).
        Assert.Equal(["1:0>1 lee@example.org", "1:1>0 kim@example.org"], moves);
    }

    [Fact]
    public void A_forks_copied_history_does_not_make_its_authors_shared()
    {
        // fork is a clone of origin: Ann's 25 commits are in both. Then Bob commits to each, and Ann twice to the fork.
        var origin = dir.Repo("origin").Commits("Ann Lee", "ann@example.org", 25);
        var fork = origin.Clone(dir.Combine("fork"));
        origin.Commits("Bob Stone", "bob@example.org", 1);
        // The fork's .mailmap gives Ann another address: her copied commits are still the same commits.
        fork.CommitFile(".mailmap", "Ann Lee <ann@fork.example> <ann@example.org>\n")
            .Commits("Bob Stone", "bob@example.org", 3).Commits("Ann Lee", "ann@example.org", 2);
        var result = KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--by", "year", "origin", "fork");
        Assert.Contains("fork and origin: 25 commits in both histories", result.StandardError.Replace("origin and fork", "fork and origin", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("people and moves count history copied between projects (origin and fork) in each", result.StandardError, StringComparison.Ordinal);
        var json = Json(result);
        var pair = json.GetProperty("pairs")[0];
        Assert.Equal(["Bob Stone"], pair.GetProperty("shared").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(1, pair.GetProperty("sumMin").GetInt64());
        Assert.Equal(25, json.GetProperty("copiedHistory")[0].GetProperty("commits").GetInt64());
        // Each project still counts its whole history, and so does each period.
        Assert.Equal([26L, 31L], json.GetProperty("projectDetails").EnumerateArray().Select(p => p.GetProperty("commits").GetInt64()));
        Assert.Equal(1, json.GetProperty("periods")[0].GetProperty("pairs")[0].GetProperty("sumMin").GetInt64());

        // Without the copy (a separate history), Ann is shared as before.
        dir.Repo("other").Commits("Ann Lee", "ann@example.org", 1);
        Assert.Equal(1, Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "origin", "other")).GetProperty("pairs")[0].GetProperty("sumMin").GetInt64());
    }

    [Fact]
    public void Copied_history_is_taken_off_each_side_under_that_sides_mailmap_in_either_order()
    {
        // a maps Chris's old address to the new one; its clone b does not. The 25 copied commits are Chris New's in a
        // and Chris Old's in b; his own work is 5 commits in a and 8 in b, whichever project comes first.
        var a = dir.Repo("a").Commits("Chris Old", "c@old.example", 25);
        var b = a.Clone(dir.Combine("b"));
        a.CommitFile(".mailmap", "Chris New <c@new.example> <c@old.example>\n").Commits("Chris New", "c@new.example", 5);
        b.Commits("Chris New", "c@new.example", 8);
        foreach (string[] order in new[] { new[] { "a", "b" }, ["b", "a"] })
        {
            var json = Json(KashikaProcess.Run(dir.Path, ["relate", "--format", "json", "--identity", "email", .. order]));
            var shared = Assert.Single(json.GetProperty("pairs")[0].GetProperty("shared").EnumerateArray());
            Assert.Equal("c@new.example", shared.GetProperty("id").GetString());
            Assert.Equal(5, json.GetProperty("pairs")[0].GetProperty("sumMin").GetInt64());
        }
    }

    [Fact]
    public void A_commit_dated_1970_is_in_the_whole_history_but_in_no_period()
    {
        dir.Repo("one").Commits("Lee", "lee@example.org", 3).Commit("Lee", "lee@example.org", authorDate: DateTimeOffset.FromUnixTimeSeconds(0));
        dir.Repo("two").Commits("Lee", "lee@example.org", 2);
        var result = KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--by", "year", "one", "two");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("one: 1 commit dated before 1980 (a clock not set) counted in the whole history but in no period", result.StandardError, StringComparison.Ordinal);
        var json = Json(result);
        Assert.Equal(["2020"], json.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        Assert.Equal(4, json.GetProperty("projectDetails")[0].GetProperty("commits").GetInt64());
    }

    [Fact]
    public void Periods_without_a_commit_between_the_first_and_the_last_are_kept_so_time_advances_evenly()
    {
        var january = DateTimeOffset.Parse("2020-01-15T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        dir.Repo("one").Commit("Lee", "lee@example.org", authorDate: january).Commit("Lee", "lee@example.org", authorDate: january.AddMonths(3));
        dir.Repo("two").Commit("Lee", "lee@example.org", authorDate: january.AddMonths(3));
        var json = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--by", "month", "one", "two"));
        Assert.Equal(["2020-01", "2020-02", "2020-03", "2020-04"], json.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        var quarters = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--by", "quarter", "one", "two"));
        Assert.Equal(["2020-Q1", "2020-Q2"], quarters.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("label").GetString()));
    }

    [Fact]
    public void Since_and_until_window_the_history()
    {
        // Commits are a day apart from 2020-01-01: Lee's 3 in one are 01-01..01-03; in two 01-01..01-05.
        dir.Repo("one").Commits("Lee", "lee@example.org", 3);
        dir.Repo("two").Commits("Lee", "lee@example.org", 5);
        var json = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--since", "2020-01-02T12:00:00Z", "--until", "2020-01-04T12:00:00Z", "one", "two"));
        Assert.Equal(1, json.GetProperty("projectDetails")[0].GetProperty("commits").GetInt64());
        Assert.Equal(2, json.GetProperty("projectDetails")[1].GetProperty("commits").GetInt64());
        Assert.Equal("2020-01-02T12:00:00Z", json.GetProperty("options").GetProperty("since").GetString());
    }

    [Fact]
    public void Compat_mode_gives_the_original_pipelines_matrix()
    {
        // Names the 2013 pipeline treats specially: runs of spaces, case, a Latin-1 byte, merges and bots.
        dir.Repo("one")
            .Commits("Ann  Lee", "a@x", 2).Commits("Ann Lee", "a@x", 3).Commits("ann lee", "a@x", 1)
            .Commits("Jenkins", "jenkins@x", 2).Merge("Bob", "b@x", "Bob", "b@x")
            .RawAuthorCommit("Ren\u00e9 <r@x>");
        dir.Repo("two")
            .Commits("Ann Lee", "other@x", 2).Commits("Jenkins", "j@y", 5).Commits("Bob", "b@x", 7).Commits("René", "r@x", 1);
        GitRepo.Git(dir.Combine("one"), "cat-file", "-p", "HEAD"); // the raw commit is readable
        Directory.CreateDirectory(dir.Combine("ranking"));
        foreach (string project in new[] { "one", "two" })
        {
            // The original rank.sh, byte for byte, in the C locale.
            var shell = Process.Start(new ProcessStartInfo("sh", ["-c", $"git --git-dir={project}/.git log --pretty=format:%an | sort | uniq -c | sort > ranking/{project}"])
            {
                WorkingDirectory = dir.Path,
                Environment = { ["LC_ALL"] = "C" },
            })!;
            shell.WaitForExit();
            Assert.Equal(0, shell.ExitCode);
        }

        var compat = Json(KashikaProcess.Run(dir.Path, "relate", "--compat", "ossrel", "--format", "json", "one", "two"));
        var original = Json(KashikaProcess.Run(dir.Path, "relate", "--from-ranking", "ranking", "--format", "json"));
        Assert.Equal(original.GetProperty("matrix").GetRawText(), compat.GetProperty("matrix").GetRawText());
        Assert.Equal(3 + 2 + 2, SumMin(compat)[0][1]); // Ann Lee min(3,2) + Jenkins min(2,5) + Bob min(2,7); René differs in bytes
        var js = KashikaProcess.Run(dir.Path, "relate", "--compat", "ossrel", "--format", "ossrel-js", "one", "two");
        Assert.Equal("var matrix = [[0, 2.6457513110645907], [2.6457513110645907, 0]]\n", js.StandardOutput);
    }

    [Fact]
    public void Hostile_and_unicode_names_reach_the_report_as_data_only()
    {
        // git ends an address at the first '>': a hostile one is markup without it (one with no '@' is a placeholder).
        const string Hostile = "x&\"'</script<script@example.org";
        dir.Repo("one").Commits("山田 太郎 & \"Ö'Brien\" Jr", "yamada@example.org", 2).RawAuthorCommit($"Eve <{Hostile}>");
        dir.Repo("two").Commits("山田 太郎 & \"Ö'Brien\" Jr", "yamada@example.org", 1).RawAuthorCommit($"Eve <{Hostile}>");
        var json = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "one", "two"));
        var shared = json.GetProperty("pairs")[0].GetProperty("shared").EnumerateArray().ToList();
        Assert.Contains(shared, s => s.GetProperty("name").GetString() == "山田 太郎 & \"Ö'Brien\" Jr");
        Assert.Contains(shared, s => s.GetProperty("id").GetString() == Hostile);

        var html = KashikaProcess.Run(dir.Path, "relate", "-o", "r.html", "one", "two");
        Assert.Equal(0, html.ExitCode);
        string page = File.ReadAllText(dir.Combine("r.html"));
        Assert.Equal(2, page.Split("<script", StringSplitOptions.None).Length - 1); // the data island and the view
        Assert.DoesNotContain("</script<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("山田 太郎", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org/", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_same_vetoes_a_join_and_the_report_lists_the_veto()
    {
        dir.Repo("one").Commits("Aaron Rosen", "arosen@nicira.com", 3).Commits("Aaron Rosen", "aaronorosen@gmail.com", 2);
        dir.Repo("two").Commits("Bob Ray", "bob@example.org", 1);
        var joined = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "one", "two"));
        Assert.Single(joined.GetProperty("identityJoins").EnumerateArray());
        File.WriteAllText(dir.Combine("veto.txt"), "# two people\narosen@nicira.com aaronorosen@gmail.com\n");
        var vetoed = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--not-same", "veto.txt", "one", "two"));
        Assert.False(vetoed.TryGetProperty("identityJoins", out var joins) && joins.GetArrayLength() > 0);
        Assert.Equal("arosen@nicira.com \u2260 aaronorosen@gmail.com", vetoed.GetProperty("options").GetProperty("notSame")[0].GetString());
        Assert.Equal(2, vetoed.GetProperty("projectDetails")[0].GetProperty("developers").GetInt32());

        File.WriteAllText(dir.Combine("bad.txt"), "only-a-name\n");
        var bad = KashikaProcess.Run(dir.Path, "relate", "--not-same", "bad.txt", "one", "two");
        Assert.Equal(3, bad.ExitCode);
        Assert.StartsWith("kashika: error: bad.txt:1: 'only-a-name' is not two addresses", bad.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void By_year_relates_each_period_apart()
    {
        // Commits are a day apart from 2020-01-01: Ann's 400 commits in "one" run into 2021, her 5 in "two" stay in 2020.
        dir.Repo("one").Commits("Ann", "ann@example.org", 400);
        dir.Repo("two").Commits("Ann", "ann@example.org", 5).Commits("Bob", "bob@example.org", 1);
        var json = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "--by", "year", "one", "two"));
        var periods = json.GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal(["2020", "2021"], periods.Select(p => p.GetProperty("label").GetString()));
        Assert.Equal(5, periods[0].GetProperty("sumMin")[0][1].GetInt64());
        Assert.Equal(0, periods[1].GetProperty("sumMin")[0][1].GetInt64());
        Assert.Equal([366L, 6L], periods[0].GetProperty("commits").EnumerateArray().Select(c => c.GetInt64()));
        Assert.Equal(5, SumMin(json)[0][1]); // the whole history as without --by
        Assert.Equal("year", json.GetProperty("options").GetProperty("by").GetString());

        var plain = Json(KashikaProcess.Run(dir.Path, "relate", "--format", "json", "one", "two"));
        Assert.False(plain.TryGetProperty("periods", out _));

        var compat = KashikaProcess.Run(dir.Path, "relate", "--compat", "ossrel", "--by", "year", "one", "two");
        Assert.Equal(2, compat.ExitCode);
    }
}
