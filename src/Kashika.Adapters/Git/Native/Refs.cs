using System.Text;

namespace Kashika.Adapters.Git.Native;

/// <summary>The files backend of git's refs: HEAD, loose refs, packed-refs; a revision resolved as git resolves a branch,
/// tag or object name.</summary>
internal sealed class Refs(RepositoryFiles files, ObjectDatabase objects)
{
    // git's SYMREF_MAXDEPTH.
    private const int SymbolicDepth = 5;
    private Dictionary<string, (ObjectId Id, ObjectId? Peeled)>? packed;

    /// <summary>The commit <paramref name="revision"/> names, or null when it needs more than this reader resolves (the
    /// caller asks <c>git rev-parse</c>).</summary>
    /// <exception cref="RepositoryException">HEAD names a branch with no commit yet: an empty repository.</exception>
    public ObjectId? Commit(string revision, string projectName, string source)
    {
        ObjectId? id;
        if (revision == "HEAD")
        {
            id = Resolve("HEAD", 0);
            if (id is null)
            {
                throw new RepositoryException($"{projectName} ({source}): empty repository, no commits", empty: true);
            }
        }
        else if (ObjectId.TryParse(revision, out var full))
        {
            id = full;
        }
        else if (!SafeName(revision))
        {
            return null;
        }
        else
        {
            id = ((string[])[revision, $"refs/{revision}", $"refs/tags/{revision}", $"refs/heads/{revision}", $"refs/remotes/{revision}", $"refs/remotes/{revision}/HEAD"])
                .Where(n => n.StartsWith("refs/", StringComparison.Ordinal))
                .Select(n => Resolve(n, 0))
                .FirstOrDefault(r => r is not null);
            if (id is null && revision.Length is >= 4 and < 40 && revision.All(char.IsAsciiHexDigit))
            {
                var matches = objects.WithPrefix(revision.ToLowerInvariant()).Take(2).ToList();
                id = matches.Count == 1 ? matches[0] : null;
            }
        }

        return id is null ? null : Peel(id.Value);
    }

    /// <summary>Whether refs/replace holds any ref: git would show replacement objects.</summary>
    public bool HasReplaceRefs()
    {
        string folder = Path.Combine(files.CommonFolder, "refs", "replace");
        return (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any())
            || Packed().Keys.Any(k => k.StartsWith("refs/replace/", StringComparison.Ordinal));
    }

    // A tag is followed to what it tags; anything that is not a commit in the end is left to git, whose message says why.
    private ObjectId? Peel(ObjectId id)
    {
        for (int depth = 0; depth < 100; depth++)
        {
            var data = objects.Read(id, headerOnly: true);
            switch (data?.Type)
            {
                case ObjectType.Commit:
                    return id;
                case ObjectType.Tag when data.Value.Span is var tag && tag.StartsWith("object "u8) && tag.Length >= 47
                                           && ObjectId.TryParse(tag.Slice(7, 40), out var next):
                    id = next;
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    private ObjectId? Resolve(string name, int depth)
    {
        if (depth > SymbolicDepth)
        {
            // A loop (HEAD: ref: HEAD) or a chain deeper than git follows: git says what is wrong.
            throw new UnsupportedRepositoryException($"symbolic ref {name} is a loop or a chain deeper than {SymbolicDepth}");
        }

        // HEAD and other per-worktree refs live in the git folder; branches and tags in the shared one.
        string folder = name == "HEAD" || name.StartsWith("refs/worktree/", StringComparison.Ordinal) || name.StartsWith("refs/bisect/", StringComparison.Ordinal)
            ? files.GitFolder : files.CommonFolder;
        string path = Path.Combine(folder, name);
        if (File.Exists(path))
        {
            string text = File.ReadAllText(path, Encoding.UTF8).TrimEnd(ObjectId.GitSpace);
            if (text.StartsWith("ref:", StringComparison.Ordinal))
            {
                // A vertical tab or a form feed is part of the name for git (and breaks it).
                string target = text[4..].TrimStart(ObjectId.GitSpace);
                return SafeName(target) && (target == "HEAD" || target.StartsWith("refs/", StringComparison.Ordinal))
                    ? Resolve(target, depth + 1)
                    : throw new UnsupportedRepositoryException($"symbolic ref {name} points at '{target}', which is no ref");
            }

            return ObjectId.TryParse(text, out var id) ? id : throw new UnsupportedRepositoryException($"ref {name} holds neither an object name nor a symbolic ref");
        }

        return Packed().TryGetValue(name, out var entry) ? entry.Id : null;
    }

    private Dictionary<string, (ObjectId Id, ObjectId? Peeled)> Packed()
    {
        if (packed is not null)
        {
            return packed;
        }

        packed = new Dictionary<string, (ObjectId, ObjectId?)>(StringComparer.Ordinal);
        string path = Path.Combine(files.CommonFolder, "packed-refs");
        if (!File.Exists(path))
        {
            return packed;
        }

        // git refuses a packed-refs whose last line has no end ("unterminated line") or that has a comment other than
        // its header on the first line ("unexpected line"): such a file is git's to refuse.
        var text = File.ReadAllText(path, Encoding.UTF8);
        if (text.Length > 0 && text[^1] != '\n')
        {
            throw new UnsupportedRepositoryException("packed-refs: unterminated line");
        }

        string? last = null;
        bool sorted = false, first = true;
        foreach (string line in text.Split('\n').SkipLast(1))
        {
            bool header = first && line.StartsWith("# pack-refs with: ", StringComparison.Ordinal);
            first = false;
            if (header)
            {
                // git trusts a file that says it is sorted and looks names up by bisection: in one that is not, it misses
                // names this reader would find. Such a file is git's to read.
                sorted = $"{line} ".Contains(" sorted ", StringComparison.Ordinal);
                continue;
            }

            if (line.Length == 0 || line[0] == '#')
            {
                throw new UnsupportedRepositoryException("packed-refs: unexpected line");
            }

            if (line[0] == '^' && last is not null && ObjectId.TryParse(line.AsSpan(1), out var peeled))
            {
                packed[last] = (packed[last].Id, peeled);
                continue;
            }

            if (line.Length < 42 || line[40] != ' ' || !ObjectId.TryParse(line.AsSpan(0, 40), out var id))
            {
                throw new UnsupportedRepositoryException("a packed-refs line this reader cannot parse");
            }

            string? previous = last;
            last = line[41..];
            if (!packed.TryAdd(last, (id, null)))
            {
                // git reads a damaged packed-refs its own way (which of the two lines wins): left to it.
                throw new UnsupportedRepositoryException($"packed-refs names {last} twice");
            }

            if (sorted && previous is not null && string.CompareOrdinal(last, previous) < 0)
            {
                throw new UnsupportedRepositoryException("packed-refs says it is sorted and is not");
            }
        }

        return packed;
    }

    // A name that stays inside the refs folders: no "..", no absolute path, no control characters (git's refname rules,
    // in part; anything else is left to git rev-parse).
    private static bool SafeName(string name) =>
        name.Length > 0 && name[0] != '/' && name[^1] != '/' && !name.Contains("..", StringComparison.Ordinal)
        && !name.Contains("//", StringComparison.Ordinal) && !name.Contains("/.", StringComparison.Ordinal) && name[0] != '.'
        && !name.EndsWith(".lock", StringComparison.Ordinal) && !name.Contains('@', StringComparison.Ordinal)
        && name.All(c => c > ' ' && c != 0x7f && c is not ('~' or '^' or ':' or '?' or '*' or '[' or '\\'));
}
