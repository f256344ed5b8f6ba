using Kashika.Testing;

namespace Kashika.Tests.EndToEnd;

/// <summary>
/// The native reader against git log: repositories built in every layout git writes (loose, packed with offset and
/// reference deltas, several packs, commit-graph file and chain, octopus merges, encodings, alternates, worktrees,
/// partial clones, mailmaps), each report byte-identical to the one read with <c>--reader git</c>; layouts it does not
/// read go to git, and say so.
/// </summary>
public sealed class NativeReaderTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    // Runs relate both ways on the same repositories and options; the reports must be the same bytes.
    private string Same(params string[] arguments) => Same(new Dictionary<string, string>(), arguments);

    private string Same(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var git = KashikaProcess.Run(dir.Path, ["relate", "-f", "json", "--reader", "git", .. arguments]);
        var native = KashikaProcess.Run(dir.Path, environment, ["relate", "-f", "json", "-v", "--no-cache", .. arguments]);
        Assert.True(git.ExitCode == native.ExitCode, $"git exit {git.ExitCode}, native exit {native.ExitCode}: {native.StandardError}");
        Assert.Equal(git.StandardOutput, native.StandardOutput);
        Assert.True(git.ExitCode != 0 || native.StandardOutput.Contains("\"projects\"", StringComparison.Ordinal), native.StandardError);
        return native.StandardError;
    }

    // Both readers on one repository that may be damaged: the same exit code and the same report (or none).
    private (CliResult Native, CliResult Git) BothReaders(string name)
    {
        var native = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "-v", "--no-cache", name);
        var git = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "--reader", "git", name);
        Assert.True(git.ExitCode == native.ExitCode, $"{name}: git exit {git.ExitCode}, native exit {native.ExitCode}: {native.StandardError}");
        Assert.Equal(git.StandardOutput, native.StandardOutput);
        return (native, git);
    }

    private static void ReadNatively(string verbose, string project) =>
        Assert.Contains($"kashika: {project}: native,", verbose, StringComparison.Ordinal);

    private static string LongMessage(int i) =>
        string.Concat(Enumerable.Repeat("This commit message is long and nearly the same in every commit, so that git stores commits as deltas. ", 20)) + i;

    // Authors under every mailmap form, merges, an octopus merge, and commits with long, similar messages.
    private GitRepo Varied(string name)
    {
        var repo = dir.Repo(name)
            .CommitFile(".mailmap", """
                # comment line
                Ann Lee <ann@example.org>
                <bob@example.org> <bob@old.example>
                Cid Proper <cid@example.org> Cid Wrong <CID@Example.ORG>
                Dee New <dee@new.example> <dee@old.example>
                Eve One <eve@example.org> eve <EVE@example.org>
                   Spaced   Name   <spaced@example.org>
                <empty@example.org> Nobody <>
                """)
            .Commits("ann", "ANN@example.org", 3)
            .Commits("Bob", "bob@old.example", 2)
            .Commits("Cid Wrong", "cid@example.org", 2)
            .Commits("cid wrong", "cid@EXAMPLE.org", 1)
            .Commits("Dee", "dee@old.example", 2)
            .Commits("EVE", "eve@example.org", 1)
            .Commits("Eve", "EVE@example.org", 1)
            .Commits("x", "spaced@example.org", 1)
            .Merge("Fay", "fay@example.org", "Gus", "gus@example.org");
        for (int i = 0; i < 12; i++)
        {
            repo.GitAs("Hal Long", "hal@example.org", $"2021-03-{i + 1:D2}T10:00:00Z", "commit", "-q", "--allow-empty", "-m", LongMessage(i));
        }

        // An octopus merge (three parents: the commit-graph keeps the third in its EDGE chunk).
        repo.Git("checkout", "-q", "-b", "b1");
        repo.GitAs("Ike", "ike@example.org", "2021-04-01T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "b1");
        repo.Git("checkout", "-q", "-b", "b2", "main");
        repo.GitAs("Jo", "jo@example.org", "2021-04-02T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "b2");
        repo.Git("checkout", "-q", "main");
        repo.GitAs("Kim", "kim@example.org", "2021-04-03T10:00:00Z", "merge", "-q", "--no-ff", "-m", "octopus", "b1", "b2");
        Assert.Equal(4, repo.Git("cat-file", "-p", "HEAD").Split('\n').Count(l => l.StartsWith("tree ", StringComparison.Ordinal) || l.StartsWith("parent ", StringComparison.Ordinal)));
        return repo;
    }

    private static int DeltifiedCommits(GitRepo repo) =>
        repo.Git("cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(deltabase)").Split('\n')
            .Count(l => l.StartsWith("commit ", StringComparison.Ordinal) && !l.EndsWith(new string('0', 40), StringComparison.Ordinal));

    [Fact]
    public void Every_object_layout_reads_as_git_log_shows_it()
    {
        Varied("loose");
        var offsets = Varied("offsets");
        offsets.Git("repack", "-adfq", "--window=50", "--depth=50");
        Assert.True(DeltifiedCommits(offsets) > 0, "no commit was stored as a delta");
        var references = Varied("references");
        references.Git("-c", "repack.useDeltaBaseOffset=false", "repack", "-adfq", "--window=50", "--depth=50");
        Assert.True(DeltifiedCommits(references) > 0, "no commit was stored as a delta");

        // Several packs and loose objects at once.
        var layered = Varied("layered");
        layered.Git("repack", "-dq");
        layered.Commits("Lou", "lou@example.org", 2);
        layered.Git("repack", "-dq");
        layered.Commits("Mo", "mo@example.org", 2);
        Assert.True(Directory.GetFiles(Path.Combine(layered.Path, ".git", "objects", "pack"), "*.pack").Length >= 2);

        // A commit-graph file, and a chain of two layers with commits newer than both.
        var graph = Varied("graph");
        graph.Git("commit-graph", "write", "--reachable");
        var chain = Varied("chain");
        chain.Git("commit-graph", "write", "--reachable", "--split=no-merge");
        chain.Commits("Ned", "ned@example.org", 3);
        chain.Git("commit-graph", "write", "--reachable", "--split=no-merge");
        chain.Commits("Oz", "oz@example.org", 2);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(chain.Path, ".git", "objects", "info", "commit-graphs", "commit-graph-chain")).Length);

        string[] all = ["loose", "offsets", "references", "layered", "graph", "chain"];
        foreach (string[] options in (string[][])[[], ["--by", "month"], ["--no-mailmap"], ["--merges", "--include-bots"], ["--compat", "ossrel"], ["--identity", "name+email"]])
        {
            string verbose = Same([.. options, .. all]);
            foreach (string project in all)
            {
                ReadNatively(verbose, project);
            }
        }

        // Without libdeflate, .NET's zlib inflates (commits only up to their header's end): the same reports.
        var managed = new Dictionary<string, string> { ["KASHIKA_NO_LIBDEFLATE"] = "1" };
        foreach (string[] options in (string[][])[[], ["--by", "month"], ["--compat", "ossrel"]])
        {
            string verbose = Same(managed, [.. options, .. all]);
            foreach (string project in all)
            {
                ReadNatively(verbose, project);
            }
        }
    }

    [Fact]
    public void Encodings_and_odd_author_lines_read_as_git_log_shows_them()
    {
        var repo = dir.Repo("encodings").Commits("Ann", "ann@example.org", 2);
        repo.RawCommit("tree {tree}\nparent {parent}\nauthor Jos\u00e9 L\u00f3pez <jose@example.org> 1600000000 +0200\ncommitter Jos\u00e9 <jose@example.org> 1600000000 +0200\nencoding ISO-8859-1\n\nLatin-1 bytes, said so\n");
        repo.RawCommit("tree {tree}\nparent {parent}\nauthor Ren\u00e9e <renee@example.org> 1600000100 +0000\ncommitter c <c@example.org> 1600000100 +0000\n\nLatin-1 bytes, not said\n");
        repo.RawCommit("tree {tree}\nparent {parent}\nauthor  Two  Spaces   <two@example.org>   1600000200   +0000\ncommitter c <c@example.org> 1600000200 +0000\n\nspaces\n");
        repo.RawCommit("tree {tree}\nparent {parent}\nauthor No Date <nodate@example.org>\ncommitter c <c@example.org> 1600000300 +0000\n\nno date\n");
        repo.RawCommit("tree {tree}\nparent {parent}\nauthor No Zone <nozone@example.org> 1600000400\ncommitter c <c@example.org> 1600000400 +0000\n\nno zone\n");
        repo.RawCommit("tree {tree}\nparent {parent}\nauthor Huge <huge@example.org> 99999999999999999999 +0000\ncommitter c <c@example.org> 1600000500 +0000\n\nhuge\n");
        repo.RawCommit("tree {tree}\nparent {parent}\nauthor Old <old@example.org> 100 +0000\ncommitter c <c@example.org> 1600000600 +0000\n\n1970\n");
        repo.RawCommit("tree {tree}\nparent {parent}\nauthor First <first@example.org> 1600000700 +0000\nauthor Second <second@example.org> 1600000700 +0000\ncommitter c <c@example.org> 1600000700 +0000\n\ntwo author lines: git shows the last\n");
        repo.RawCommit("tree {tree}\nparent {parent}\nauthor Signed <signed@example.org> 1600000800 +0000\ncommitter c <c@example.org> 1600000800 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n author Fake <fake@example.org> 1 +0000\n -----END PGP SIGNATURE-----\n\nsigned\n");
        foreach (string[] options in (string[][])[[], ["--by", "year"], ["--compat", "ossrel"]])
        {
            ReadNatively(Same([.. options, "encodings"]), "encodings");
        }

        // An encoding .NET does not know is git's to convert (or not): the repository is read with git.
        var unknown = dir.Repo("unknown").Commits("Ann", "ann@example.org");
        unknown.RawCommit("tree {tree}\nparent {parent}\nauthor Z\u00e9 <z@example.org> 1600000000 +0000\ncommitter c <c@example.org> 1600000000 +0000\nencoding X-NO-SUCH-CHARSET\n\nunknown\n");
        Assert.Contains("kashika: unknown: git (commit", Same("unknown"), StringComparison.Ordinal);

        // A line git cannot split ("author" without <>) is shown git's way: read with git.
        var broken = dir.Repo("broken").Commits("Ann", "ann@example.org");
        broken.RawCommit("tree {tree}\nparent {parent}\nauthor nobody at all 1600000000 +0000\ncommitter c <c@example.org> 1600000000 +0000\n\nbroken\n");
        Assert.Contains("kashika: broken: git (commit", Same("broken"), StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_and_revisions_select_what_git_log_selects()
    {
        // Committer dates out of order: --since stops the walk at an older commit even when its parents are newer.
        var repo = dir.Repo("dates");
        string[] dates = ["2020-01-01T10:00:00Z", "2020-01-10T10:00:00Z", "2019-12-01T10:00:00Z", "2020-01-20T10:00:00Z", "2020-02-01T10:00:00Z", "2020-03-01T10:00:00Z"];
        for (int i = 0; i < dates.Length; i++)
        {
            repo.GitAs($"Dev {i}", $"dev{i}@example.org", dates[i], "commit", "-q", "--allow-empty", "-m", $"c{i}");
        }

        repo.Git("tag", "light", "HEAD~2");
        repo.GitAs("Tagger", "t@example.org", "2020-03-02T10:00:00Z", "tag", "-a", "-m", "annotated", "v1", "HEAD~1");
        repo.Git("branch", "older", "HEAD~3");
        string head = repo.Git("rev-parse", "HEAD").Trim();
        foreach (string[] options in (string[][])[
            ["--since", "2020-01-05"], ["--until", "2020-01-25"], ["--since", "2020-01-05", "--until", "2020-02-15"], ["--since", "3000-01-01"],
            ["--rev", "light"], ["--rev", "v1"], ["--rev", "older"], ["--rev", "refs/heads/older"], ["--rev", head], ["--rev", head[..10]], ["--rev", "main~2"]])
        {
            ReadNatively(Same([.. options, "dates"]), "dates");
        }

        // A range is no single commit: git log reads it.
        Assert.Contains("kashika: dates: git (revision", Same("--rev", "main~3..main", "dates"), StringComparison.Ordinal);
        Same("--rev", "no-such-branch", "dates");
    }

    [Fact]
    public void Alternates_worktrees_and_partial_clones_read_natively()
    {
        var source = Varied("source");
        source.Git("config", "uploadpack.allowFilter", "true");
        GitRepo.Git(dir.Path, "clone", "-q", "--shared", source.Path, "shared");
        Assert.True(File.Exists(Path.Combine(dir.Path, "shared", ".git", "objects", "info", "alternates")));
        source.Git("worktree", "add", "-q", "-b", "other", Path.Combine(dir.Path, "tree"));
        GitRepo.Git(dir.Path, "clone", "-q", "--bare", "--filter=blob:none", "file://" + source.Path, "partial.git");
        GitRepo.Git(dir.Path, "clone", "-q", "--bare", "--filter=blob:none", "file://" + source.Path, "orphan.git");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "partial.git", "objects", "pack"), "*.promisor"));

        // A partial clone lacks HEAD:.mailmap: with its promisor remote, git fetches it (so git reads that one, first);
        // without a remote, git applies no mailmap, and neither does the native reader.
        var first = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "-v", "--no-cache", "partial.git");
        Assert.Contains("kashika: partial: git (HEAD:.mailmap", first.StandardError, StringComparison.Ordinal);
        GitRepo.Git(Path.Combine(dir.Path, "orphan.git"), "remote", "remove", "origin");

        string verbose = Same("shared", "tree", "partial.git", "orphan.git");
        ReadNatively(verbose, "shared");
        ReadNatively(verbose, "tree");
        ReadNatively(verbose, "partial");
        ReadNatively(verbose, "orphan");
        Assert.Contains("no mailmap applied", verbose, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_native_reader_does_not_read_goes_to_git()
    {
        var source = Varied("source");
        GitRepo.Git(dir.Path, "clone", "-q", "--depth", "3", "file://" + source.Path, "shallow");
        var replaced = Varied("replaced");
        replaced.Git("replace", replaced.Git("rev-parse", "HEAD~1").Trim(), replaced.Git("rev-parse", "HEAD~2").Trim());
        var grafted = Varied("grafted");
        Directory.CreateDirectory(Path.Combine(grafted.Path, ".git", "info"));
        File.WriteAllText(Path.Combine(grafted.Path, ".git", "info", "grafts"), grafted.Git("rev-parse", "HEAD~3").Trim() + "\n");
        string sha256 = dir.Combine("sha256");
        Directory.CreateDirectory(sha256);
        GitRepo.Git(sha256, "init", "-q", "--object-format=sha256", "-b", "main");
        GitRepo.Git(sha256, "-c", "user.name=Ann", "-c", "user.email=ann@example.org", "commit", "-q", "--allow-empty", "-m", "one");

        string verbose = Same("shallow", "replaced", "grafted", "sha256");
        Assert.Contains("kashika: shallow: git (shallow clone)", verbose, StringComparison.Ordinal);
        Assert.Contains("kashika: replaced: git (replace refs", verbose, StringComparison.Ordinal);
        Assert.Contains("kashika: grafted: git (info/grafts)", verbose, StringComparison.Ordinal);
        Assert.Contains("kashika: sha256: git (object format sha256)", verbose, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_files_are_left_to_git_never_read_past_their_bounds()
    {
        // A config including a file of megabytes, and a loose commit cut short: git's to read (and to refuse).
        var big = Varied("big");
        File.WriteAllText(Path.Combine(big.Path, "huge.config"), string.Concat(Enumerable.Repeat("# padding line of a large included config file\n", 120_000)));
        File.AppendAllText(Path.Combine(big.Path, ".git", "config"), "[include]\n\tpath = ../huge.config\n");
        Assert.Contains("kashika: big: git (", Same("big"), StringComparison.Ordinal);

        var cut = dir.Repo("cut").Commits("Ann", "ann@example.org", 3);
        string head = cut.Git("rev-parse", "HEAD").Trim();
        string loose = Path.Combine(cut.Path, ".git", "objects", head[..2], head[2..]);
        var bytes = File.ReadAllBytes(loose);
        File.SetAttributes(loose, FileAttributes.Normal);
        File.WriteAllBytes(loose, bytes[..(bytes.Length / 2)]);
        var native = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "--no-cache", "cut");
        var git = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "--reader", "git", "cut");
        Assert.Equal(3, git.ExitCode);
        Assert.Equal(git.ExitCode, native.ExitCode);
        Assert.Equal(git.StandardError, native.StandardError);

        // Bytes damaged inside a pack's commits (inflated on all cores after a commit-graph walk): git's error, not ours.
        var damaged = Varied("damaged");
        damaged.Git("repack", "-adfq");
        damaged.Git("commit-graph", "write", "--reachable");
        string pack = Directory.GetFiles(Path.Combine(damaged.Path, ".git", "objects", "pack"), "*.pack").Single();
        var content = File.ReadAllBytes(pack);
        for (int i = 1500; i < 2500; i += 7)
        {
            content[i] ^= 0x5a;
        }

        File.SetAttributes(pack, FileAttributes.Normal);
        File.WriteAllBytes(pack, content);
        var nativeDamaged = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "--no-cache", "damaged");
        var gitDamaged = KashikaProcess.Run(dir.Path, "relate", "-f", "json", "--reader", "git", "damaged");
        Assert.Equal(3, gitDamaged.ExitCode);
        Assert.Equal(gitDamaged.ExitCode, nativeDamaged.ExitCode);
        Assert.Equal(gitDamaged.StandardError, nativeDamaged.StandardError);
    }

    [Fact]
    public void Damaged_refs_packs_and_another_users_repository_read_as_git_reads_them()
    {
        // packed-refs naming main twice (an older commit on the second line): git reads its own way; so must the report.
        var twice = Varied("twice");
        string older = twice.Git("rev-parse", "HEAD~2").Trim();
        twice.Git("pack-refs", "--all");
        File.AppendAllText(Path.Combine(twice.Path, ".git", "packed-refs"), $"{older} refs/heads/main\n");
        Assert.Contains("kashika: twice: git (packed-refs names refs/heads/main twice)", Same("twice"), StringComparison.Ordinal);

        // HEAD pointing at itself, and two branches pointing at each other: git's error, never "an empty repository".
        var self = Varied("self");
        File.WriteAllText(Path.Combine(self.Path, ".git", "HEAD"), "ref: HEAD\n");
        var loop = Varied("loop");
        File.WriteAllText(Path.Combine(loop.Path, ".git", "HEAD"), "ref: refs/heads/a\n");
        File.WriteAllText(Path.Combine(loop.Path, ".git", "refs", "heads", "a"), "ref: refs/heads/b\n");
        File.WriteAllText(Path.Combine(loop.Path, ".git", "refs", "heads", "b"), "ref: refs/heads/a\n");
        foreach (string name in (string[])["self", "loop"])
        {
            var (native, git) = BothReaders(name);
            Assert.NotEqual(0, git.ExitCode);
            Assert.DoesNotContain("empty repository", native.StandardError, StringComparison.Ordinal);
        }

        // A git folder given as itself (repo/.git): for git neither bare nor a work tree, so no .mailmap applies (the
        // native reader read HEAD:.mailmap, as for a bare repository). Found by the damaged-repository fuzz target.
        dir.Repo("given").CommitFile(".mailmap", "Zed Alpha <zed@example.org> Other Person <other@example.net>\n")
            .Commits("Zed Alpha", "zed@example.org", 1).Commits("Other Person", "other@example.net", 1);
        var (itself, _) = BothReaders("given=given/.git");
        Assert.Contains("\"developers\": 3,", itself.StandardOutput, StringComparison.Ordinal); // with the mailmap: 2
        ReadNatively(itself.StandardError, "given");

        // Found by the damaged-repository fuzz target, each read natively with exit 0 where git refuses or reads otherwise:
        // a folder without HEAD ("empty repository"; git: not a repository), a core boolean git cannot parse, a HEAD
        // ending in a vertical tab (part of the name for git), a packed-refs that says it is sorted and is not (git's
        // bisection misses the branch), and a pack index whose fan-out decreases.
        var noHead = Varied("nohead");
        File.Delete(Path.Combine(noHead.Path, ".git", "HEAD"));
        var badBool = Varied("badbool");
        File.AppendAllText(Path.Combine(badBool.Path, ".git", "config"), "[core]\n\tfilemode = t2ue\n");
        var tab = Varied("verticaltab");
        File.WriteAllText(Path.Combine(tab.Path, ".git", "HEAD"), "ref: refs/heads/main\v");
        var unsorted = Varied("unsorted");
        unsorted.Git("branch", "zzz");
        unsorted.Git("pack-refs", "--all");
        string packedRefs = Path.Combine(unsorted.Path, ".git", "packed-refs");
        File.WriteAllText(packedRefs, File.ReadAllText(packedRefs).Replace("refs/heads/zzz", "refa/heads/zzz", StringComparison.Ordinal));
        var fanout = Varied("fanout");
        fanout.Git("repack", "-adq");
        string idx = Directory.GetFiles(Path.Combine(fanout.Path, ".git", "objects", "pack"), "*.idx").Single();
        File.SetAttributes(idx, FileAttributes.Normal);
        byte[] index = File.ReadAllBytes(idx);
        index[8 + (200 * 4) + 3] ^= 0x7f; // one fan-out entry past the next
        File.WriteAllBytes(idx, index);
        // And in the 300-second AFL++ run of the same target: a packed-refs whose header is misspelt or whose last line
        // has no end, a config line starting with a form feed (no space for git), and a commit-graph whose corrected
        // dates point to overflow data it lacks.
        foreach (var (name, change) in new (string, Func<string, string>)[]
        {
            ("misspelt", t => t.Replace("# pack-refs with:", "# pack-refs lith:", StringComparison.Ordinal)),
            ("unterminated", t => t.TrimEnd('\n')),
        })
        {
            var repo = Varied(name);
            repo.Git("pack-refs", "--all");
            string refs = Path.Combine(repo.Path, ".git", "packed-refs");
            File.WriteAllText(refs, change(File.ReadAllText(refs)));
        }

        // In a CI run of the property suite: a core boolean set twice, wrong and then right (git dies on the first).
        var repeated = Varied("repeatedkey");
        File.AppendAllText(Path.Combine(repeated.Path, ".git", "config"), "[core]\n\tfilemode = tr= 0\n\tfilemode = true\n");
        var formFeed = Varied("formfeed");
        File.AppendAllText(Path.Combine(formFeed.Path, ".git", "config"), "[core]\n\flogallrefupdates = true\n");
        var graphed = Varied("overflow");
        graphed.Git("-c", "commitGraph.generationVersion=2", "commit-graph", "write", "--reachable");
        string graphFile = Path.Combine(graphed.Path, ".git", "objects", "info", "commit-graph");
        byte[] graph = File.ReadAllBytes(graphFile);
        int chunk = Enumerable.Range(0, graph[6]).Single(c => System.Text.Encoding.ASCII.GetString(graph, 8 + (c * 12), 4) == "GDA2");
        long generations = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(graph.AsSpan(8 + (chunk * 12) + 4));
        graph[generations] |= 0x80; // the first commit's corrected date "overflows"
        File.SetAttributes(graphFile, FileAttributes.Normal);
        File.WriteAllBytes(graphFile, graph);

        foreach (string name in (string[])["nohead", "badbool", "repeatedkey", "verticaltab", "unsorted", "fanout", "misspelt", "unterminated", "formfeed", "overflow"])
        {
            var (native, git) = BothReaders(name);
            Assert.DoesNotContain($"kashika: {name}: native,", native.StandardError, StringComparison.Ordinal);
        }

        // A config git refuses (a key outside any section, a name with '_'): git's refusal is the answer, not our reading.
        var badConfig = Varied("badconfig");
        File.AppendAllText(Path.Combine(badConfig.Path, ".git", "config"), "[core]\n\tbad_name = 1\n");
        Assert.NotEqual(0, BothReaders("badconfig").Git.ExitCode);

        // A pack cut short: its trailer is no longer the one the index records.
        var cut = Varied("cutpack");
        cut.Git("repack", "-adfq");
        string pack = Directory.GetFiles(Path.Combine(cut.Path, ".git", "objects", "pack"), "*.pack").Single();
        File.SetAttributes(pack, FileAttributes.Normal);
        using (var stream = new FileStream(pack, FileMode.Open))
        {
            stream.SetLength(stream.Length - 100);
        }

        BothReaders("cutpack");

        // Another user's repository: git refuses it unless safe.directory says otherwise (root makes one to test).
        if (Environment.UserName == "root")
        {
            var owned = Varied("owned");
            var chown = ExternalTool.Run(dir.Path, "chown", "-R", "nobody", owned.Path);
            Assert.Equal(0, chown?.ExitCode);
            var (native, _) = BothReaders("owned");
            Assert.Equal(3, native.ExitCode);
            Assert.Contains("dubious ownership", native.StandardError, StringComparison.Ordinal); // git's own words
        }
    }
}
