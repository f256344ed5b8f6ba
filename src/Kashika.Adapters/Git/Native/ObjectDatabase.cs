using System.IO.Compression;

namespace Kashika.Adapters.Git.Native;

/// <summary>Every object of a repository: its packs and loose objects, and those of its alternates.</summary>
internal sealed class ObjectDatabase : IDisposable
{
    private readonly List<Pack> packs = [];
    private readonly List<string> looseFolders = [];

    public ObjectDatabase(IReadOnlyList<string> objectFolders)
    {
        try
        {
            foreach (string folder in objectFolders)
            {
                looseFolders.Add(folder);
                string packFolder = Path.Combine(folder, "pack");
                if (!Directory.Exists(packFolder))
                {
                    continue;
                }

                // Newest first, as git looks them up: recently fetched objects are found in the first pack tried.
                foreach (var file in new DirectoryInfo(packFolder).EnumerateFiles("pack-*.idx").OrderByDescending(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal))
                {
                    if (File.Exists(Path.ChangeExtension(file.FullName, ".pack")))
                    {
                        packs.Add(new Pack(file.FullName, this));
                    }
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<Pack> Packs => packs;

    /// <summary>Where <paramref name="id"/> is stored: a pack and offset, or (null, -1) for a loose object or none.</summary>
    public (Pack? Pack, long Offset) Locate(ObjectId id)
    {
        foreach (var pack in packs)
        {
            int position = pack.Find(id);
            if (position >= 0)
            {
                return (pack, pack.OffsetAt(position));
            }
        }

        return (null, -1);
    }

    /// <summary>The object, or null when no pack or loose file holds it.</summary>
    /// <param name="reuse">A buffer a commit header may be inflated into (see <see cref="Zlib.Inflate"/>).</param>
    public ObjectData? Read(ObjectId id, bool headerOnly, int depth = 0, byte[]? reuse = null)
    {
        var (pack, offset) = Locate(id);
        return pack is not null ? pack.Read(offset, headerOnly, depth, reuse) : ReadLoose(id);
    }

    public bool Contains(ObjectId id) => Locate(id).Pack is not null || LoosePath(id) is not null;

    /// <summary>Every object whose name starts with the hex digits <paramref name="prefix"/> (at most a few are needed).</summary>
    public IEnumerable<ObjectId> WithPrefix(string prefix)
    {
        var found = new HashSet<ObjectId>();
        foreach (var pack in packs)
        {
            found.UnionWith(pack.WithPrefix(prefix).Take(2));
        }

        foreach (string folder in looseFolders)
        {
            string sub = Path.Combine(folder, prefix[..2]);
            if (!Directory.Exists(sub))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(sub))
            {
                string hex = prefix[..2] + Path.GetFileName(file);
                if (hex.StartsWith(prefix, StringComparison.Ordinal) && ObjectId.TryParse(hex, out var id))
                {
                    found.Add(id);
                }
            }
        }

        return found;
    }

    private string? LoosePath(ObjectId id)
    {
        string hex = id.ToString();
        foreach (string folder in looseFolders)
        {
            string path = Path.Combine(folder, hex[..2], hex[2..]);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private ObjectData? ReadLoose(ObjectId id)
    {
        if (LoosePath(id) is not { } path)
        {
            return null;
        }

        // The header ("commit 1234\0") says how much to inflate: never more than deflate can make of the file's bytes.
        using var file = File.OpenRead(path);
        using var zlib = new ZLibStream(file, CompressionMode.Decompress);
        var head = new byte[32];
        int got = zlib.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        int nul = head.AsSpan(0, got).IndexOf((byte)0);
        int space = head.AsSpan(0, got).IndexOf((byte)' ');
        if (nul < 0 || space < 0 || space > nul
            || !long.TryParse(head.AsSpan(space + 1, nul - space - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long declared)
            || declared > Math.Min(Array.MaxLength, file.Length * 1032L))
        {
            throw new InvalidDataException($"{path}: not a loose object");
        }

        int size = (int)declared;
        var content = new byte[size];
        int already = Math.Min(size, got - nul - 1);
        head.AsSpan(nul + 1, already).CopyTo(content);
        if (got - nul - 1 > size || zlib.ReadAtLeast(content.AsSpan(already), size - already, throwOnEndOfStream: false) != size - already || zlib.ReadByte() >= 0)
        {
            throw new InvalidDataException($"{path}: a loose object whose size is not the one it states");
        }

        var bytes = head.AsSpan(0, got);
        var type = bytes[..space] switch
        {
            var t when t.SequenceEqual("commit"u8) => ObjectType.Commit,
            var t when t.SequenceEqual("tree"u8) => ObjectType.Tree,
            var t when t.SequenceEqual("blob"u8) => ObjectType.Blob,
            var t when t.SequenceEqual("tag"u8) => ObjectType.Tag,
            _ => throw new InvalidDataException($"{path}: unknown object type"),
        };
        return new ObjectData(type, content, size);
    }

    public void Dispose()
    {
        foreach (var pack in packs)
        {
            pack.Dispose();
        }

        packs.Clear();
    }
}
