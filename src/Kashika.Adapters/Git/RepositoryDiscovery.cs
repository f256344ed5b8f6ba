using Kashika.Adapters.FileSystem;
using Kashika.Core.Common;

namespace Kashika.Adapters.Git;

/// <summary>Turns the command line's PATH and NAME=PATH arguments into repositories.</summary>
public static class RepositoryDiscovery
{
    /// <summary>
    /// A repository stands for itself; a folder stands for its direct children that are repositories, in name order.
    /// With no arguments the current folder is used the same way, and is itself the project when no child is a repository.
    /// A PATH that cannot be used (missing, a file, a link to nothing, unreadable, not a repository) is a problem of that
    /// PATH alone: it is named in <c>Problems</c> and the other PATHs are still related. <c>Notes</c> name the folders
    /// beside a folder's repositories that are none, left out.
    /// </summary>
    /// <exception cref="InputException">No arguments and no repository here, or two projects with one name.</exception>
    public static (IReadOnlyList<GitRepository> Repositories, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes) Expand(
        IReadOnlyList<string> arguments, string currentDirectory)
    {
        var notes = new List<string>();
        if (arguments.Count == 0)
        {
            var (children, unnamed) = ChildRepositories(currentDirectory, "", notes);
            if (children.Count > 0 || unnamed.Count > 0)
            {
                return (children, unnamed, notes);
            }

            return IsRepository(currentDirectory)
                ? ([new GitRepository(DefaultName(currentDirectory), currentDirectory, ".")], [], [])
                : throw new InputException($"{currentDirectory}: no git repositories here; give their paths (kashika relate PATH…)");
        }

        var repositories = new List<GitRepository>();
        var problems = new List<string>();
        foreach (string given in arguments)
        {
            string argument = given;
            var (name, path) = SplitNamed(argument);
            string full = Path.GetFullPath(path, currentDirectory);
            string named = full;
            try
            {
                // A path that is not valid UTF-8 came as other bytes than its string says: opened by those bytes.
                if (BytePaths.RawArgument(argument) is { } raw)
                {
                    byte[] rawPath = name is null ? raw : raw[(Array.IndexOf(raw, (byte)'=') + 1)..];
                    path = named = BytePaths.Escaped(rawPath);
                    argument = name is null ? path : $"{name}={path}";
                    full = BytePaths.Open(currentDirectory, rawPath) ?? full;
                }

                if (Unusable(path, full) is { } problem)
                {
                    problems.Add(problem);
                }
                else if (IsRepository(full))
                {
                    repositories.Add(new GitRepository(name ?? DefaultName(named), full, argument));
                }
                else if (name is not null)
                {
                    problems.Add($"{path}: not a git repository");
                }
                else
                {
                    var (children, unnamed) = ChildRepositories(full, path, notes);
                    if (children.Count == 0 && unnamed.Count == 0)
                    {
                        problems.Add($"{path}: not a git repository, and no folder in it is one");
                    }

                    repositories.AddRange(children);
                    problems.AddRange(unnamed);
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                problems.Add($"{path}: cannot be read ({(e is UnauthorizedAccessException ? "permission denied" : e.Message)})");
            }
        }

        var duplicate = repositories.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? (repositories, problems, notes)
            : throw new InputException(
                $"two projects are named '{duplicate.Key}' ({string.Join(", ", duplicate.Select(d => d.Source))}); name them with NAME=PATH");
    }

    // Why PATH names no folder at all, or null when it does.
    private static string? Unusable(string path, string full)
    {
        if (Directory.Exists(full))
        {
            return null;
        }

        if (BytePaths.IsOpened(full))
        {
            return $"{path}: is a file, not a repository or a folder of repositories";
        }

        if (new FileInfo(full).LinkTarget is not null)
        {
            FileSystemInfo? target;
            try
            {
                target = File.ResolveLinkTarget(full, returnFinalTarget: true);
            }
            catch (IOException)
            {
                target = null; // too many levels of links: a loop
            }

            if (target is null || !target.Exists)
            {
                return $"{path}: a symbolic link that leads nowhere (a loop, or its target is missing)";
            }
        }

        return File.Exists(full) ? $"{path}: is a file, not a repository or a folder of repositories"
            : $"{path}: no such directory";
    }

    /// <summary>Roughly how much history a repository holds: the bytes of its packs (0 when they cannot be found).</summary>
    public static long StoredBytes(GitRepository repository)
    {
        try
        {
            string git = Directory.Exists(Path.Combine(repository.Path, ".git")) ? Path.Combine(repository.Path, ".git") : repository.Path;
            var packs = new DirectoryInfo(Path.Combine(git, "objects", "pack"));
            return packs.Exists ? packs.EnumerateFiles("*.pack").Sum(f => f.Length) : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The folder's name without a trailing ".git": "redis.git" and "redis" are both project "redis".</summary>
    public static string DefaultName(string path)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        return name.EndsWith(".git", StringComparison.Ordinal) && name.Length > 4 ? name[..^4] : name;
    }

    // NAME=PATH names a project; an '=' inside a path that exists, or after a '/', is part of the path.
    private static (string? Name, string Path) SplitNamed(string argument)
    {
        int equals = argument.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || argument[..equals].Contains('/', StringComparison.Ordinal) || Directory.Exists(argument))
        {
            return (null, argument);
        }

        return (argument[..equals], argument[(equals + 1)..]);
    }

    // The folder's children that are repositories, in name order. Names that are not valid UTF-8 (which .NET shows
    // with U+FFFD and cannot open by) are opened by their bytes and named escaped (\xNN); one that cannot be opened
    // is named as a problem, never dropped.
    private static (List<GitRepository> Repositories, List<string> Unnamed) ChildRepositories(string folder, string shownAs, List<string> notes)
    {
        var entries = Directory.EnumerateFileSystemEntries(folder).ToList();
        // The folder is read by its bytes a second time only when .NET showed a name with U+FFFD.
        var invalid = entries.Any(e => Path.GetFileName(e).Contains('\uFFFD', StringComparison.Ordinal)) ? BytePaths.InvalidNames(folder) : [];
        var children = entries
            .Where(d => Directory.Exists(d) && !Path.GetFileName(d).StartsWith('.'))
            .Select(d => (Name: Path.GetFileName(d), Path: (string?)d))
            .Concat(invalid.Where(n => n[0] != (byte)'.').Select(n => (Name: BytePaths.Escaped(n), Path: BytePaths.Open(folder, n))))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        var unnamed = children.Where(c => c.Path is null)
            .Select(c => $"{Path.Combine(shownAs, c.Name)}: cannot be opened")
            .ToList();
        var openable = children.Where(c => c.Path is not null).ToLookup(c => IsRepository(c.Path!)); // a work tree's own .git is no child project
        var repositories = openable[true].Select(c => new GitRepository(DefaultName(c.Name), c.Path!, Path.Combine(shownAs, c.Name))).ToList();
        var others = openable[false].Select(c => c.Name).ToList();
        if (repositories.Count > 0 && others.Count > 0)
        {
            // Folders beside the repositories (notes, build output) are no projects, but a user may have meant one to be.
            string list = string.Join(", ", others.Take(5)) + (others.Count > 5 ? $", … ({others.Count - 5} more)" : "");
            notes.Add($"{(shownAs.Length == 0 ? "." : shownAs)}: {others.Count} folder{(others.Count == 1 ? "" : "s")} in it not a git repository, left out: {list}");
        }

        return (repositories, unnamed);
    }

    // A work tree has .git (a folder, or a file for worktrees and submodules); a bare repository has HEAD, objects and refs.
    private static bool IsRepository(string directory) =>
        Directory.Exists(Path.Combine(directory, ".git")) || File.Exists(Path.Combine(directory, ".git"))
        || (File.Exists(Path.Combine(directory, "HEAD")) && Directory.Exists(Path.Combine(directory, "objects")) && Directory.Exists(Path.Combine(directory, "refs")));
}
