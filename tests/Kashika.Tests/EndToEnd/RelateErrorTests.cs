using Kashika.Testing;

namespace Kashika.Tests.EndToEnd;

/// <summary>Bad input: one clear line, a documented exit code, no partial report, the other repositories still reported.</summary>
public sealed class RelateErrorTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public RelateErrorTests() => dir.Repo("ok").Commits("Ann", "ann@example.org", 2);

    public void Dispose() => dir.Dispose();

    private CliResult Run(params string[] arguments) => KashikaProcess.Run(dir.Path, arguments);

    private static void AssertOneError(CliResult result, int exitCode, string message)
    {
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains($"kashika: error: {message}", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public void Missing_path()
    {
        AssertOneError(Run("relate", "-o", "r.html", "nowhere"), 3, "nowhere: no such directory");
        Assert.False(File.Exists(dir.Combine("r.html")));
    }

    [Theory]
    [InlineData("missing", "missing: no such directory")]
    [InlineData("file", "file: is a file, not a repository or a folder of repositories")]
    [InlineData("loop", "loop: a symbolic link that leads nowhere (a loop, or its target is missing)")]
    [InlineData("plain", "plain: not a git repository, and no folder in it is one")]
    public void A_path_that_cannot_be_used_is_named_and_the_others_are_still_reported(string path, string message)
    {
        File.WriteAllText(dir.Combine("file"), "not a folder");
        File.CreateSymbolicLink(dir.Combine("loop"), "loop");
        Directory.CreateDirectory(dir.Combine("plain"));
        dir.Repo("other").Commits("Ann", "ann@example.org", 1);
        var result = Run("relate", "--format", "json", "-o", "r.json", path, "ok", "other");
        AssertOneError(result, 3, message);
        string report = File.ReadAllText(dir.Combine("r.json"));
        Assert.Contains("\"ok\"", report, StringComparison.Ordinal);
        Assert.Contains("\"other\"", report, StringComparison.Ordinal);
        Assert.Contains(message, report, StringComparison.Ordinal); // among the report's warnings
    }

    [Fact]
    public void Folders_beside_a_folders_repositories_are_said_to_be_left_out()
    {
        dir.Repo(Path.Combine("many", "a")).Commits("Ann", "ann@example.org", 1);
        dir.Repo(Path.Combine("many", "b")).Commits("Ann", "ann@example.org", 1);
        Directory.CreateDirectory(dir.Combine("many", "notes"));
        Directory.CreateDirectory(dir.Combine("many", ".hidden"));
        var result = Run("relate", "--format", "json", "-o", "r.json", "many");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("many: 1 folder in it not a git repository, left out: notes", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("native")]
    [InlineData("git")]
    public void A_folder_whose_name_is_not_utf8_is_read_and_named_escaped(string reader)
    {
        // .NET cannot make such a name; the shell can.
        var made = ExternalTool.Run(dir.Path, "bash", "-c",
            "mkdir -p parent && cd parent && git init -q $'bad\\xff' && git -C $'bad\\xff' -c user.name=Ann -c user.email=ann@example.org commit -q --allow-empty -m one"
            + " && git -C $'bad\\xff' -c user.name=Bob -c user.email=bob@example.org commit -q --allow-empty -m two"
            + " && git init -q good && git -C good -c user.name=Ann -c user.email=ann@example.org commit -q --allow-empty -m one"
            + " && mkdir $'caf\\xe9' && git init -q $'caf\\xe9/inner' && git -C $'caf\\xe9/inner' -c user.name=Bob -c user.email=bob@example.org commit -q --allow-empty -m one"
            + " && touch $'file\\xff'");
        Assert.Equal(0, made?.ExitCode);

        // Met in a folder of repositories: read, and named with the byte escaped (was: left out, named as a problem).
        var found = Run("relate", "--no-cache", "--reader", reader, "-f", "csv", "parent");
        Assert.True(found.ExitCode == 0, found.StandardError);
        Assert.StartsWith("project,bad\\xff,good\n", found.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("bad\\xff,0,1\n", found.StandardOutput, StringComparison.Ordinal); // Ann, in both

        // Given on the command line, named or not, and inside a folder whose own name is not UTF-8.
        var given = KashikaProcess.RunWithBytes(dir.Path, "relate", "--no-cache", "--reader", reader, "-f", "csv", "parent/bad\\xff", "named=parent/bad\\xff", "parent/caf\\xe9");
        Assert.True(given.ExitCode == 0, given.StandardError);
        Assert.StartsWith("project,bad\\xff,named,inner\n", given.StandardOutput, StringComparison.Ordinal);

        // What names no folder is still named, escaped.
        var missing = KashikaProcess.RunWithBytes(dir.Path, "relate", "-f", "csv", "parent/nothing\\xff", "parent/file\\xff", "parent/good");
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("kashika: error: parent/nothing\\xff: no such directory", missing.StandardError, StringComparison.Ordinal);
        Assert.Contains("kashika: error: parent/file\\xff: is a file, not a repository or a folder of repositories", missing.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-o", "r\\xff.html")]
    [InlineData("--parquet", "t\\xff")]
    [InlineData("--aliases", "a\\xff")]
    public void A_file_option_whose_path_is_not_utf8_is_a_usage_error_not_a_file_of_another_name(string option, string path)
    {
        var result = KashikaProcess.RunWithBytes(dir.Path, "relate", option, path, "ok");
        AssertOneError(result, 2, $"{option} {path}: not valid UTF-8, and kashika names files by UTF-8 paths only");
        Assert.Equal(["ok"], Directory.GetFileSystemEntries(dir.Path).Select(p => Path.GetFileName(p)!).Where(n => n is not (".cache" or ".gitconfig")).ToArray());
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void An_unreadable_folder_is_named_and_the_others_are_still_reported()
    {
        Directory.CreateDirectory(dir.Combine("locked", "inside"));
        File.SetUnixFileMode(dir.Combine("locked"), UnixFileMode.None);
        // Root reads any folder: the test runs kashika as nobody then, with the repository it reads made nobody's.
        bool root = Environment.UserName == "root";
        string[] command = ["relate", "--format", "json", "-o", "r.json", "locked", "ok"];
        CliResult result;
        if (root)
        {
            File.SetUnixFileMode(dir.Path, (UnixFileMode)511 /* rwxrwxrwx */);
            File.WriteAllText(dir.Combine(".gitconfig"), "[safe]\n\tdirectory = *\n"); // HOME is the test folder
            result = KashikaProcess.RunAsNobody(dir.Path, command);
        }
        else
        {
            result = Run(command);
        }

        AssertOneError(result, 3, "locked: cannot be read (permission denied)");
        Assert.True(File.Exists(dir.Combine("r.json")), result.StandardError);
        Assert.Contains("\"ok\"", File.ReadAllText(dir.Combine("r.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Not_a_repository()
    {
        Directory.CreateDirectory(dir.Combine("plain"));
        AssertOneError(Run("relate", "plain"), 3, "plain: not a git repository, and no folder in it is one");
        AssertOneError(Run("relate", "x=plain"), 3, "plain: not a git repository");
    }

    [Fact]
    public void Empty_repository_is_left_out_with_a_warning()
    {
        GitRepo.Init(dir.Combine("empty"));
        var result = Run("relate", "--format", "json", "empty", "ok");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("kashika: warning: empty (empty): empty repository, no commits; left out", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("\"ok\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Shallow_clone_is_reported_with_a_warning()
    {
        dir.Repo("deep").Commits("Ann", "ann@example.org", 3);
        GitRepo.Git(dir.Path, "clone", "-q", "--depth", "1", "file://" + dir.Combine("deep"), "shallow");
        var result = Run("relate", "--format", "json", "shallow", "ok");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("shallow clone, partial history", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("\"shallow\": true", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_repository_is_named_with_gits_message_and_the_others_still_reported()
    {
        dir.Repo("broken").Commits("Ann", "ann@example.org", 1);
        foreach (string objects in Directory.GetDirectories(dir.Combine("broken", ".git", "objects")).Where(d => Path.GetFileName(d).Length == 2))
        {
            Directory.Delete(objects, recursive: true);
        }

        var result = Run("relate", "-o", "r.html", "broken", "ok");
        AssertOneError(result, 3, "broken (broken): fatal: bad object HEAD");
        Assert.True(File.Exists(dir.Combine("r.html")));
    }

    [Fact]
    public void Unknown_revision()
    {
        AssertOneError(Run("relate", "--rev", "no-such-branch", "ok"), 3, "ok (ok): fatal: bad revision 'no-such-branch'");
    }

    [Fact]
    public void A_revision_is_never_taken_for_a_git_option()
    {
        var result = Run("relate", "--rev=--output=written-by-git", "ok");
        Assert.Equal(3, result.ExitCode);
        Assert.False(File.Exists(dir.Combine("written-by-git")));
        Assert.False(File.Exists(dir.Combine("ok", "written-by-git")));
    }

    [Fact]
    public void Git_not_installed()
    {
        string dotnetDir = Path.GetDirectoryName(Environment.ProcessPath!)!;
        var result = KashikaProcess.Run(dir.Path, new Dictionary<string, string> { ["PATH"] = dotnetDir }, "relate", "--reader", "git", "ok");
        AssertOneError(result, 5, "git: cannot run it (not found on PATH); install git");

        // The native reader reads git's files itself: no git needed for a repository it supports.
        var native = KashikaProcess.Run(dir.Path, new Dictionary<string, string> { ["PATH"] = dotnetDir }, "relate", "-f", "json", "ok");
        Assert.True(native.ExitCode == 0, native.StandardError);
    }

    [Fact]
    public void Unwritable_output_leaves_nothing()
    {
        AssertOneError(Run("relate", "-o", "no/such/dir/r.html", "ok"), 4, "cannot write no/such/dir/r.html: no such directory");
        Directory.CreateDirectory(dir.Combine("taken"));
        AssertOneError(Run("relate", "-o", "taken", "ok"), 4, "cannot write taken:"); // a directory stands where the file should go
        Assert.Empty(Directory.GetFiles(dir.Combine("taken")));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Theory]
    [InlineData(new[] { "relate", "--bot-pattern", "(", "ok" }, "--bot-pattern: not a valid regular expression")]
    [InlineData(new[] { "relate", "--compat", "ossrel", "--merges", "ok" }, "--compat ossrel reproduces the original exactly")]
    [InlineData(new[] { "relate", "--from-ranking", "r", "ok" }, "--from-ranking reads ranking files instead of repositories")]
    [InlineData(new[] { "relate", "--order", "o.txt", "ok" }, "--order goes with --from-ranking")]
    [InlineData(new[] { "relate", "--cache", "c", "--no-cache", "ok" }, "--cache and --no-cache contradict each other")]
    [InlineData(new[] { "relate", "--cache", "c", "--reader", "git", "ok" }, "--cache is kept by the native reader")]
    [InlineData(new[] { "relate", "--reader", "libgit2", "ok" }, "Argument 'libgit2' not recognized")]
    [InlineData(new[] { "relate", "--format", "xml", "ok" }, "Argument 'xml' not recognized")]
    [InlineData(new[] { "relate", "--no-such-option" }, "unknown option '--no-such-option'")]
    public void Usage_errors(string[] arguments, string message) => AssertOneError(Run(arguments), 2, message);

    [Fact]
    public void After_double_dash_a_path_may_start_with_a_dash()
    {
        dir.Repo("-x").Commits("Ann", "ann@example.org", 1);
        AssertOneError(Run("relate", "--format", "json", "-x", "ok"), 2, "unknown option '-x'");
        var result = Run("relate", "--format", "json", "--", "-x", "ok");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"-x\"", result.StandardOutput, StringComparison.Ordinal);

        File.WriteAllText(dir.Combine("-f"), "main;a 3\n");
        Assert.Equal("main;a 3\n", Run("trace", "collapse", "--", "-f").StandardOutput);
        Assert.Equal(2, Run("trace", "collapse", "-f").ExitCode);
    }

    [Fact]
    public void Malformed_ranking_file_is_named_with_its_line()
    {
        Directory.CreateDirectory(dir.Combine("ranking"));
        File.WriteAllText(dir.Combine("ranking", "a"), "  3 Ann\n");
        File.WriteAllText(dir.Combine("ranking", "b"), "  3 Ann\nnot a count\n");
        AssertOneError(Run("relate", "--from-ranking", "ranking", "--format", "json"), 3, "ranking/b:2: 'not' is not a commit count");
        File.WriteAllText(dir.Combine("order"), "a\nc\n");
        AssertOneError(Run("relate", "--from-ranking", "ranking", "--order", "order"), 3, "order:2: project 'c' has no ranking file in ranking");
    }

    [Fact]
    public void Same_name_twice_asks_for_names()
    {
        Directory.CreateDirectory(dir.Combine("other"));
        GitRepo.Git(dir.Path, "clone", "-q", "ok", "other/ok");
        AssertOneError(Run("relate", "ok", "other/ok"), 3, "two projects are named 'ok' (ok, other/ok); name them with NAME=PATH");
    }
}
