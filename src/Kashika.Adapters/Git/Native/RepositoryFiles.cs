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

    private RepositoryFiles(string gitFolder, string commonFolder, string? workTree, bool bare, IReadOnlyList<string> objectFolders, GitConfig config)
    {
        Bare = bare;
        GitFolder = gitFolder;
        CommonFolder = commonFolder;
        WorkTree = workTree;
        ObjectFolders = objectFolders;
        Config = config;
    }

    public string GitFolder { get; }

    public string CommonFolder { get; }

    /// <summary>The work tree, or null for a bare repository (or a git folder given as itself).</summary>
    public string? WorkTree { get; }

    /// <summary>Bare, as git decides: no work tree, and core.bare not false.</summary>
    public bool Bare { get; }

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

        // git takes a folder for a repository only when its HEAD is one git can read ("not a git repository" otherwise):
        // such a folder is git's to name, never an empty repository.
        if (!ValidHead(Path.Combine(gitFolder, "HEAD")))
        {
            throw new UnsupportedRepositoryException("HEAD missing or not a ref");
        }

        string commonFolder = gitFolder;
        string commonFile = Path.Combine(gitFolder, "commondir");
        if (File.Exists(commonFile))
        {
            commonFolder = Path.GetFullPath(File.ReadAllText(commonFile).Trim(), gitFolder);
        }

        var config = GitConfig.Load(commonFolder);
        Check(config);
        // A bare repository's mailmap is HEAD:.mailmap. A git folder given as itself whose core.bare is false is neither
        // bare nor a work tree for git: no mailmap at all (git -C repo/.git log).
        bool? bare = config.Get("core.bare") is { } value ? Boolean(value) ?? throw new UnsupportedRepositoryException($"core.bare is '{value}'") : null;
        if (bare == true)
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
        return new RepositoryFiles(gitFolder, commonFolder, workTree, workTree is null && bare != false, folders, config);
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

        // git parses its core settings before it reads anything, and dies on a value it cannot parse ("bad boolean config
        // value"): such a repository is git's to refuse, never one to read as if the value were fine.
        // Each time a key is set, not only its last value: "filemode = tr= 0" then "filemode = true" is refused all the same.
        foreach (var (key, value) in config.Every.Where(e => e.Key.StartsWith("core.", StringComparison.Ordinal)))
        {
            if (!CoreValueParses(key, value))
            {
                throw new UnsupportedRepositoryException($"{key} is '{value}'");
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

    // Core settings whose value is a word of git's own; the rest of those git reads are booleans or numbers, or take any
    // text (a path, a command).
    private static readonly Dictionary<string, string[]> CoreWords = new(StringComparer.Ordinal)
    {
        ["core.autocrlf"] = ["input"],
        ["core.safecrlf"] = ["warn"],
        ["core.logallrefupdates"] = ["always"],
        ["core.hidedotfiles"] = ["dotgitonly"],
        ["core.untrackedcache"] = ["keep"],
        ["core.abbrev"] = ["auto", "no"],
        ["core.eol"] = ["lf", "crlf", "native"],
        ["core.checkstat"] = ["default", "minimal"],
        ["core.createobject"] = ["rename", "link"],
    };

    private static readonly HashSet<string> CoreText = new(StringComparer.Ordinal)
    {
        "core.editor", "core.pager", "core.excludesfile", "core.attributesfile", "core.hookspath", "core.askpass",
        "core.sshcommand", "core.gitproxy", "core.whitespace", "core.commentchar", "core.commentstring", "core.notesref",
        "core.fsync", "core.fsyncmethod", "core.checkroundtripencoding", "core.fsmonitor", "core.worktree", "core.disambiguate",
        "core.alternaterefscommand", "core.alternaterefsprefixes", "core.repositoryformatversion",
    };

    private static bool CoreValueParses(string key, string value) =>
        CoreText.Contains(key)
        || (CoreWords.TryGetValue(key, out var words) && words.Contains(value.ToLowerInvariant()))
        || (key is "core.compression" or "core.loosecompression" ? Number(value, int.MaxValue) is >= -1 and <= 9
            : key is "core.packedgitwindowsize" or "core.packedgitlimit" or "core.deltabasecachelimit" or "core.bigfilethreshold"
                ? Number(value, long.MaxValue) is >= 0
                : Boolean(value) is not null);

    // A number as git_parse_int reads it (an optional k, m or g), or null where git would refuse it (not a number, or
    // past the largest value the setting takes).
    private static long? Number(string value, long largest)
    {
        long unit = value.Length == 0 ? 1 : char.ToLowerInvariant(value[^1]) switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, _ => 1 };
        string digits = unit == 1 ? value : value[..^1];
        return long.TryParse(digits, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long number)
               && Math.Abs((decimal)number * unit) <= largest
            ? number * unit
            : null;
    }

    // HEAD as git's validate_headref accepts it: "ref: refs/…", or an object name.
    private static bool ValidHead(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.LinkTarget is not null || file.Length > 4096)
        {
            return false;
        }

        string text = File.ReadAllText(path);
        return text.StartsWith("ref:", StringComparison.Ordinal) ? text[4..].TrimStart(ObjectId.GitSpace).StartsWith("refs/", StringComparison.Ordinal)
            : text.Length >= 40 && ObjectId.TryParse(text.AsSpan(0, 40), out _);
    }

    // A boolean as git reads it (an integer is true unless 0; an empty value is false); null where git would refuse it.
    private static bool? Boolean(string value) =>
        value.ToLowerInvariant() is "true" or "yes" or "on" ? true
        : value.ToLowerInvariant() is "false" or "no" or "off" or "" ? false
        : Number(value, int.MaxValue) is { } number ? number != 0
        : null;

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
