using System.Diagnostics;
using System.Globalization;

namespace Kashika.Testing;

/// <summary>A temporary folder of git repositories that a test builds commit by commit.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kashika-test-" + Guid.NewGuid().ToString("N")[..12]);

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public GitRepo Repo(string name) => GitRepo.Init(Combine(name));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean; a test must not fail on cleanup.
        }
    }
}

/// <summary>A real git repository whose history a test writes: authors, dates, merges, a .mailmap.</summary>
public sealed class GitRepo
{
    private int tick;

    private GitRepo(string path) => Path = path;

    public string Path { get; }

    public static GitRepo Init(string path)
    {
        Directory.CreateDirectory(path);
        Git(path, "init", "-q", "-b", "main");
        return new GitRepo(path);
    }

    /// <summary>A repository that already exists, to add to.</summary>
    public static GitRepo Open(string path) => new(path) { tick = 1000 };

    /// <summary>A clone of this repository at <paramref name="path"/> (a fork: the same commits), its own commits dated from 100 days after this one's last.</summary>
    public GitRepo Clone(string path)
    {
        Git(System.IO.Path.GetDirectoryName(path)!, "clone", "-q", Path, path);
        return new GitRepo(path) { tick = tick + 100 };
    }

    /// <summary>Adds <paramref name="count"/> commits by one author, a day apart from 2020-01-01 on.</summary>
    public GitRepo Commits(string name, string email, int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            Commit(name, email);
        }

        return this;
    }

    /// <param name="authorDate">The author date; default: a day after the previous commit, from 2020-01-01.</param>
    public GitRepo Commit(string name, string email, string? file = null, DateTimeOffset? authorDate = null)
    {
        string date = DateTimeOffset.FromUnixTimeSeconds(1577836800 + (86400L * tick++)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string author = authorDate is { } at ? $"@{at.ToUnixTimeSeconds()} +0000" : date;
        var env = new Dictionary<string, string>
        {
            ["GIT_AUTHOR_NAME"] = name, ["GIT_AUTHOR_EMAIL"] = email, ["GIT_AUTHOR_DATE"] = author,
            ["GIT_COMMITTER_NAME"] = "Committer", ["GIT_COMMITTER_EMAIL"] = "committer@example.org", ["GIT_COMMITTER_DATE"] = date,
        };
        if (file is not null)
        {
            Git(Path, "add", file);
            Run(Path, env, "commit", "-q", "-m", $"change {tick}");
        }
        else
        {
            Run(Path, env, "commit", "-q", "--allow-empty", "-m", $"change {tick}");
        }

        return this;
    }

    /// <summary>A side branch with one commit by <paramref name="name"/>, merged by <paramref name="mergerName"/> (a merge commit).</summary>
    public GitRepo Merge(string name, string email, string mergerName, string mergerEmail)
    {
        string branch = $"side{tick}";
        Git(Path, "checkout", "-q", "-b", branch);
        Commit(name, email);
        Git(Path, "checkout", "-q", "main");
        Commit(mergerName, mergerEmail); // diverge, so the merge is a real merge commit
        var env = new Dictionary<string, string>
        {
            ["GIT_AUTHOR_NAME"] = mergerName, ["GIT_AUTHOR_EMAIL"] = mergerEmail,
            ["GIT_COMMITTER_NAME"] = mergerName, ["GIT_COMMITTER_EMAIL"] = mergerEmail,
        };
        Run(Path, env, "merge", "-q", "--no-ff", "-m", "merge", branch);
        return this;
    }

    public GitRepo File(string relative, string content)
    {
        System.IO.File.WriteAllText(System.IO.Path.Combine(Path, relative), content);
        return this;
    }

    /// <summary>Commits a file whose content is given (e.g. a .mailmap), by a neutral author.</summary>
    public GitRepo CommitFile(string relative, string content, string name = "Maintainer", string email = "maintainer@example.org")
    {
        File(relative, content);
        return Commit(name, email, relative);
    }

    /// <summary>Writes a commit object with a raw author line git itself would refuse to make, and moves main to it.
    /// Each char of <paramref name="rawIdent"/> is one byte (Latin-1), so tests can write bytes that are not UTF-8.</summary>
    public GitRepo RawAuthorCommit(string rawIdent)
    {
        string tree = Git(Path, "write-tree").Trim();
        string parent = Git(Path, "rev-parse", "HEAD").Trim();
        string objectFile = System.IO.Path.Combine(Path, ".git", "raw-commit");
        System.IO.File.WriteAllText(
            objectFile, $"tree {tree}\nparent {parent}\nauthor {rawIdent} 1700000000 +0000\ncommitter c <c@example.org> 1700000000 +0000\n\nraw\n", System.Text.Encoding.Latin1);
        string commit = Git(Path, "hash-object", "-t", "commit", "-w", "--literally", objectFile).Trim();
        Git(Path, "update-ref", "refs/heads/main", commit);
        return this;
    }

    /// <summary>Writes a commit object from raw text (each char one byte), "{tree}" and "{parent}" replaced by HEAD's
    /// tree and HEAD, and moves main to it.</summary>
    public GitRepo RawCommit(string rawObject)
    {
        string tree = Git(Path, "write-tree").Trim();
        string parent = Git(Path, "rev-parse", "HEAD").Trim();
        string objectFile = System.IO.Path.Combine(Path, ".git", "raw-commit");
        System.IO.File.WriteAllText(objectFile, rawObject.Replace("{tree}", tree, StringComparison.Ordinal).Replace("{parent}", parent, StringComparison.Ordinal), System.Text.Encoding.Latin1);
        string commit = Git(Path, "hash-object", "-t", "commit", "-w", "--literally", objectFile).Trim();
        System.IO.File.Delete(objectFile);
        Git(Path, "update-ref", "refs/heads/main", commit);
        return this;
    }

    /// <summary>Adds <paramref name="count"/> commits on main quickly (git fast-import): authors drawn from
    /// <paramref name="authors"/> people by a seeded generator, an hour apart from <paramref name="start"/>; every
    /// tenth a merge of a side line.</summary>
    public GitRepo FastCommits(int count, int authors, int seed, long start = 1500000000)
    {
        var random = new Random(seed);
        var stream = new System.Text.StringBuilder();
        bool hasHead;
        try
        {
            hasHead = Git(Path, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").Length > 0;
        }
        catch (InvalidOperationException)
        {
            hasHead = false; // no commit yet
        }

        for (int i = 0; i < count; i++)
        {
            int who = random.Next(authors);
            long time = start + (3600L * i);
            string message = $"commit {seed}-{i}\n";
            stream.Append(System.Globalization.CultureInfo.InvariantCulture, $"commit refs/heads/main\nmark :{i + 1}\n");
            stream.Append(System.Globalization.CultureInfo.InvariantCulture, $"author Person {who} <p{who}@example.org> {time} +0000\ncommitter Person {who} <p{who}@example.org> {time} +0000\n");
            stream.Append(System.Globalization.CultureInfo.InvariantCulture, $"data {message.Length}\n{message}");
            if (i == 0 && hasHead)
            {
                stream.Append("from refs/heads/main^0\n");
            }

            if (i % 10 == 9 && i >= 2)
            {
                stream.Append(System.Globalization.CultureInfo.InvariantCulture, $"merge :{i - 1}\n");
            }

            stream.Append('\n');
        }

        var startInfo = new ProcessStartInfo("git") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Path };
        startInfo.ArgumentList.Add("fast-import");
        startInfo.ArgumentList.Add("--quiet");
        startInfo.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        startInfo.Environment["HOME"] = Path;
        using var process = Process.Start(startInfo)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stream.ToString());
        process.StandardInput.Close();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git fast-import failed: {error.Result}");
        }

        Git(Path, "reset", "-q", "--hard", "main");
        return this;
    }

    /// <summary>Runs git in this repository.</summary>
    public string Git(params string[] arguments) => Git(Path, arguments);

    /// <summary>Runs git in this repository with the author and committer set (dates as git reads them).</summary>
    public string GitAs(string name, string email, string date, params string[] arguments) => Run(Path, new Dictionary<string, string>
    {
        ["GIT_AUTHOR_NAME"] = name, ["GIT_AUTHOR_EMAIL"] = email, ["GIT_AUTHOR_DATE"] = date,
        ["GIT_COMMITTER_NAME"] = name, ["GIT_COMMITTER_EMAIL"] = email, ["GIT_COMMITTER_DATE"] = date,
    }, arguments);

    public static string Git(string directory, params string[] arguments) => Run(directory, new Dictionary<string, string>(), arguments);

    private static string Run(string directory, Dictionary<string, string> env, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["HOME"] = directory;
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {error.Result}");
        }

        return output;
    }
}
