using System.Text;

namespace Kashika.Adapters.Git.Native;

/// <summary>
/// Where a repository keeps what relate reads — its git folder, shared folder, object folders (with alternates), work
/// tree — and whether this reader can read it the way git would. Anything it cannot is an
/// <see cref="UnsupportedRepositoryException"/> naming the reason, and the repository goes to the git command.
/// </summary>
internal sealed class RepositoryFiles
{
    // Environment that makes git read another repository, other objects or other configuration than the files here.
    private static readonly string[] GitEnvironment =
    [
        "GIT_DIR", "GIT_COMMON_DIR", "GIT_WORK_TREE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_INDEX_FILE",
        "GIT_REPLACE_REF_BASE", "GIT_GRAFT_FILE", "GIT_SHALLOW_FILE", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
        "GIT_NAMESPACE",
    ];

    private RepositoryFiles(string gitFolder, string commonFolder, string? workTree, IReadOnlyList<string> objectFolders, GitConfig config)
    {
        GitFolder = gitFolder;
        CommonFolder = commonFolder;
        WorkTree = workTree;
        ObjectFolders = objectFolders;
        Config = config;
    }

    public string GitFolder { get; }

    public string CommonFolder { get; }

    /// <summary>The work tree, or null for a bare repository.</summary>
    public string? WorkTree { get; }

    /// <summary>The repository's own object folder first, then its alternates'.</summary>
    public IReadOnlyList<string> ObjectFolders { get; }

    public GitConfig Config { get; }

    public static RepositoryFiles Open(string path)
    {
        if (GitEnvironment.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) is { Length: > 0 }) is { } variable)
        {
            throw new UnsupportedRepositoryException($"{variable} is set");
        }

        string gitFolder;
        string? workTree = null;
        string dotGit = Path.Combine(path, ".git");
        if (Directory.Exists(dotGit))
        {
            gitFolder = dotGit;
            workTree = path;
        }
        else if (File.Exists(dotGit))
        {
            string text = File.ReadAllText(dotGit).Trim();
            if (!text.StartsWith("gitdir:", StringComparison.Ordinal))
            {
                throw new UnsupportedRepositoryException(".git file without a gitdir line");
            }

            gitFolder = Path.GetFullPath(text["gitdir:".Length..].Trim(), path);
            workTree = path;
        }
        else
        {
            gitFolder = path;
        }

        string commonFolder = gitFolder;
        string commonFile = Path.Combine(gitFolder, "commondir");
        if (File.Exists(commonFile))
        {
            commonFolder = Path.GetFullPath(File.ReadAllText(commonFile).Trim(), gitFolder);
        }

        var config = GitConfig.Load(commonFolder);
        Check(config);
        if (config.Get("core.bare") is { } bare && workTree is not null && IsTrue(bare))
        {
            workTree = null;
        }

        if (File.Exists(Path.Combine(commonFolder, "shallow")))
        {
            throw new UnsupportedRepositoryException("shallow clone");
        }

        if (File.Exists(Path.Combine(commonFolder, "info", "grafts")))
        {
            throw new UnsupportedRepositoryException("info/grafts");
        }

        string objects = Path.Combine(commonFolder, "objects");
        if (!Directory.Exists(objects))
        {
            throw new UnsupportedRepositoryException("no objects folder");
        }

        var folders = new List<string>();
        AddWithAlternates(objects, folders, 0);
        return new RepositoryFiles(gitFolder, commonFolder, workTree, folders, config);
    }

    private static void Check(GitConfig config)
    {
        string version = config.Get("core.repositoryformatversion") ?? "0";
        if (version is not ("0" or "1"))
        {
            throw new UnsupportedRepositoryException($"repository format version {version}");
        }

        if (config.Get("extensions.objectformat") is { } format && !format.Equals("sha1", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnsupportedRepositoryException($"object format {format}");
        }

        if (config.Get("extensions.refstorage") is { } refs && !refs.Equals("files", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnsupportedRepositoryException($"ref storage {refs}");
        }

        foreach (string key in (string[])["mailmap.file", "mailmap.blob", "core.worktree", "core.alternaterefscommand"])
        {
            if (config.Get(key) is not null)
            {
                throw new UnsupportedRepositoryException($"{key} is configured");
            }
        }

        foreach (string key in (string[])["i18n.logoutputencoding", "i18n.commitencoding"])
        {
            if (config.Get(key) is { } encoding && !IsUtf8(encoding))
            {
                throw new UnsupportedRepositoryException($"{key} is {encoding}");
            }
        }
    }

    public static bool IsUtf8(string encoding) =>
        encoding.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || encoding.Equals("utf8", StringComparison.OrdinalIgnoreCase);

    private static bool IsTrue(string value) => value.ToLowerInvariant() is "true" or "yes" or "on" or "1";

    // objects/info/alternates: one folder per line, relative to the objects folder that names it; git follows 5 deep.
    private static void AddWithAlternates(string objects, List<string> folders, int depth)
    {
        string full = Path.GetFullPath(objects);
        if (folders.Contains(full, StringComparer.Ordinal))
        {
            return;
        }

        folders.Add(full);
        string file = Path.Combine(full, "info", "alternates");
        if (!File.Exists(file))
        {
            return;
        }

        if (depth >= 5)
        {
            throw new UnsupportedRepositoryException("alternates nested more than 5 deep");
        }

        foreach (string line in File.ReadAllLines(file, Encoding.UTF8))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '"')
            {
                throw new UnsupportedRepositoryException("a quoted path in objects/info/alternates");
            }

            string alternate = Path.GetFullPath(line.Trim(), full);
            if (Directory.Exists(alternate))
            {
                AddWithAlternates(alternate, folders, depth + 1);
            }
        }
    }
}
