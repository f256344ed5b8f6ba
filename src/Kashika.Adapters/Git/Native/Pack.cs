using System.Buffers.Binary;

namespace Kashika.Adapters.Git.Native;

/// <summary>The object types git stores (pack type numbers).</summary>
internal enum ObjectType
{
    Commit = 1,
    Tree = 2,
    Blob = 3,
    Tag = 4,
    OffsetDelta = 6,
    ReferenceDelta = 7,
}

/// <summary>An object's bytes: whole, or for a commit read header-only, the start of it up to its blank line.</summary>
internal readonly record struct ObjectData(ObjectType Type, byte[] Bytes, int Length)
{
    public ReadOnlySpan<byte> Span => Bytes.AsSpan(0, Length);
}

/// <summary>A pack (<c>.pack</c>) and its version 2 index (<c>.idx</c>), both mapped: finds and inflates objects, following
/// offset and reference deltas. Safe to read from several threads at once.</summary>
internal sealed class Pack : IDisposable
{
    private readonly MappedFile index;
    private readonly MappedFile pack;
    private readonly int count;
    private readonly long namesAt, offsetsAt, largeOffsetsAt;
    private readonly ObjectDatabase database;

    // Delta bases recently inflated, by offset: a chain of deltified commits reads the same bases again and again. Cleared
    // whole when it holds more than BaseCacheBytes (git keeps 96 MiB).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, ObjectData> bases = new();
    private long baseBytes;
    private const long BaseCacheBytes = 64L << 20;
    private const int MaxDeltaDepth = 4096;

    public Pack(string indexPath, ObjectDatabase database)
    {
        this.database = database;
        index = new MappedFile(indexPath);
        try
        {
            pack = new MappedFile(Path.ChangeExtension(indexPath, ".pack"));
            var head = index.Span(0, 8 + (256 * 4));
            if (head.Length < 8 + (256 * 4) || BinaryPrimitives.ReadUInt32BigEndian(head) != 0xff744f63)
            {
                throw new UnsupportedRepositoryException($"{indexPath}: not a version 2 pack index");
            }

            if (BinaryPrimitives.ReadUInt32BigEndian(head[4..]) != 2)
            {
                throw new UnsupportedRepositoryException($"{indexPath}: pack index version {BinaryPrimitives.ReadUInt32BigEndian(head[4..])}");
            }

            // git's own checks on opening an index (check_packed_git_idx): a fan-out that never decreases, and a size
            // that fits the object count (with room for 8-byte offsets of all but the first object).
            if (!ObjectId.FanoutInOrder(head[8..]))
            {
                throw new UnsupportedRepositoryException($"{indexPath}: non-monotonic index");
            }

            count = checked((int)BinaryPrimitives.ReadUInt32BigEndian(head[(8 + (255 * 4))..]));
            namesAt = 8 + (256 * 4);
            offsetsAt = namesAt + ((long)count * (ObjectId.Size + 4));
            largeOffsetsAt = offsetsAt + ((long)count * 4);
            if (count > 0 && index.Length > largeOffsetsAt + ((long)(count - 1) * 8) + 40)
            {
                throw new UnsupportedRepositoryException($"{indexPath}: wrong index file size");
            }

            var packHead = pack.Span(0, 12);
            if (largeOffsetsAt + 40 > index.Length || packHead.Length < 12 || !packHead[..4].SequenceEqual("PACK"u8)
                || BinaryPrimitives.ReadUInt32BigEndian(packHead[4..]) is not (2 or 3)
                || BinaryPrimitives.ReadUInt32BigEndian(packHead[8..]) != (uint)count)
            {
                throw new UnsupportedRepositoryException($"{indexPath}: pack and index do not agree, or an unknown pack version");
            }

            // The index records the pack's own checksum (the pack's last 20 bytes): a pack cut short or changed since
            // is read by git, whose error is then the answer.
            var recorded = index.Span(index.Length - (2 * ObjectId.Size), ObjectId.Size);
            var trailer = pack.Length >= 12 + ObjectId.Size ? pack.Span(pack.Length - ObjectId.Size, ObjectId.Size) : default;
            if (!trailer.SequenceEqual(recorded))
            {
                throw new UnsupportedRepositoryException($"{Path.ChangeExtension(indexPath, ".pack")}: cut short or changed (its trailer is not the one its index records)");
            }
        }
        catch
        {
            index.Dispose();
            pack?.Dispose();
            throw;
        }
    }

    public string Name => pack.Path;

    public int Count => count;

    public ObjectId IdAt(int position) => ObjectId.Read(index.Span(namesAt + ((long)position * ObjectId.Size), ObjectId.Size));

    /// <summary>The position of <paramref name="id"/> in the index, or -1.</summary>
    public int Find(ObjectId id)
    {
        var (first, length) = ObjectId.FanoutRange(index.Span(8, 256 * 4), id);
        var names = index.Span(namesAt + ((long)first * ObjectId.Size), length * ObjectId.Size);
        if (names.Length != length * ObjectId.Size)
        {
            throw new InvalidDataException($"{index.Path}: the fan-out table points past the names");
        }

        int at = ObjectId.Search(names, id);
        return at < 0 ? -1 : first + at;
    }

    /// <summary>Object names starting with <paramref name="prefix"/> (lower-case hex digits), at most two: enough to tell
    /// unique from ambiguous.</summary>
    public IEnumerable<ObjectId> WithPrefix(string prefix)
    {
        // The names are sorted: binary search for the first name not below the prefix, padded with zeros.
        var low = ObjectId.Parse(prefix.PadRight(2 * ObjectId.Size, '0'));
        int first = 0, last = count;
        while (first < last)
        {
            int middle = (int)(((uint)first + (uint)last) >> 1);
            if (IdAt(middle).CompareTo(low) < 0)
            {
                first = middle + 1;
            }
            else
            {
                last = middle;
            }
        }

        for (int i = first; i < count && i < first + 2; i++)
        {
            var id = IdAt(i);
            if (!id.ToString().StartsWith(prefix, StringComparison.Ordinal))
            {
                yield break;
            }

            yield return id;
        }
    }

    public long OffsetAt(int position)
    {
        uint small = BinaryPrimitives.ReadUInt32BigEndian(index.Span(offsetsAt + ((long)position * 4), 4));
        if ((small & 0x80000000) == 0)
        {
            return small;
        }

        long large = checked((long)BinaryPrimitives.ReadUInt64BigEndian(index.Span(largeOffsetsAt + ((small & 0x7fffffff) * 8L), 8)));
        return large;
    }

    /// <summary>Reads the object at <paramref name="offset"/>; a commit with <paramref name="headerOnly"/> stops after its
    /// header's blank line (the message can be long and is not needed).</summary>
    public ObjectData Read(long offset, bool headerOnly, int depth = 0, byte[]? reuse = null)
    {
        // git writes delta chains at most 4,095 deep (pack-objects' limit): a longer one loops or was made to exhaust the stack.
        if (depth > MaxDeltaDepth)
        {
            throw new InvalidDataException($"{pack.Path}: a delta chain deeper than git writes (or a loop)");
        }

        var (type, size, dataAt) = Header(offset);
        switch (type)
        {
            case ObjectType.Commit or ObjectType.Tree or ObjectType.Blob or ObjectType.Tag:
                return new ObjectData(type, Inflate(dataAt, size, out int inflated, headerOnly && type == ObjectType.Commit, reuse), inflated);
            case ObjectType.OffsetDelta:
            {
                var span = pack.Span(dataAt, 16);
                int i = 0;
                long back = span[i] & 0x7f;
                while ((span[i++] & 0x80) != 0)
                {
                    if (i >= span.Length || back > (long.MaxValue >> 8))
                    {
                        throw new InvalidDataException($"{pack.Path}: bad delta offset at {offset}");
                    }

                    back = ((back + 1) << 7) | (uint)(span[i] & 0x7f);
                }

                long baseAt = offset - back;
                if (back <= 0 || baseAt < 12)
                {
                    throw new InvalidDataException($"{pack.Path}: bad delta offset at {offset}");
                }

                var basis = Base(baseAt, depth);
                return Delta.Apply(basis, Inflate(dataAt + i, size, out int length, headerOnly: false).AsSpan(0, length), pack.Path);
            }

            case ObjectType.ReferenceDelta:
            {
                var baseId = ObjectId.Read(pack.Span(dataAt, ObjectId.Size));
                var basis = database.Read(baseId, headerOnly: false, depth + 1)
                    ?? throw new InvalidDataException($"{pack.Path}: delta base {baseId} is missing");
                return Delta.Apply(basis, Inflate(dataAt + ObjectId.Size, size, out int length, headerOnly: false).AsSpan(0, length), pack.Path);
            }

            default:
                throw new InvalidDataException($"{pack.Path}: unknown object type {(int)type} at {offset}");
        }
    }

    private ObjectData Base(long offset, int depth)
    {
        if (bases.TryGetValue(offset, out var cached))
        {
            return cached;
        }

        var basis = Read(offset, headerOnly: false, depth + 1);
        if (Interlocked.Add(ref baseBytes, basis.Length) > BaseCacheBytes)
        {
            bases.Clear();
            Interlocked.Exchange(ref baseBytes, basis.Length);
        }

        bases[offset] = basis;
        return basis;
    }

    /// <summary>The type at <paramref name="offset"/> without inflating anything.</summary>
    public ObjectType TypeAt(long offset) => Header(offset).Type;

    private (ObjectType Type, long Size, long DataAt) Header(long offset)
    {
        var span = pack.Span(offset, 16);
        if (span.IsEmpty || offset < 12)
        {
            throw new InvalidDataException($"{pack.Path}: no object at {offset}");
        }

        int i = 0;
        byte c = span[i++];
        var type = (ObjectType)((c >> 4) & 7);
        long size = c & 15;
        int shift = 4;
        while ((c & 0x80) != 0)
        {
            if (i >= span.Length || shift > 56)
            {
                throw new InvalidDataException($"{pack.Path}: bad object header at {offset}");
            }

            c = span[i++];
            size |= (long)(c & 0x7f) << shift;
            shift += 7;
        }

        return (type, size, offset + i);
    }

    // Inflates the zlib stream at dataAt whose inflated size is `size`; header-only stops at the first blank line.
    private byte[] Inflate(long dataAt, long size, out int length, bool headerOnly, byte[]? reuse = null)
    {
        // Deflate cannot grow data more than about 1032 times: a larger size claimed is a corrupt or hostile pack.
        if (size > Array.MaxLength || size > (pack.Length - dataAt) * 1032L)
        {
            throw new InvalidDataException($"{pack.Path}: object at {dataAt} claims {size} bytes");
        }

        return Zlib.Inflate(pack, dataAt, (int)size, headerOnly, out length, reuse);
    }

    public void Dispose()
    {
        index.Dispose();
        pack.Dispose();
    }
}

/// <summary>git's delta format: copy ranges of the base, insert literal bytes.</summary>
internal static class Delta
{
    public static ObjectData Apply(ObjectData basis, ReadOnlySpan<byte> delta, string source)
    {
        int i = 0;
        long baseSize = Varint(delta, ref i, source);
        long resultSize = Varint(delta, ref i, source);
        if (baseSize != basis.Length || resultSize > Array.MaxLength)
        {
            throw new InvalidDataException($"{source}: a delta does not fit its base");
        }

        // Each instruction byte yields at most a copy of the whole base (an insert, less than a byte a byte): a size
        // beyond that is a damaged delta, refused before it allocates (a few bytes asking for 2 GB).
        if (resultSize > (long)(delta.Length - i) * Math.Max(1, baseSize))
        {
            throw new InvalidDataException($"{source}: a delta is shorter than it says");
        }

        var result = new byte[resultSize];
        int written = 0;
        var from = basis.Span;
        while (i < delta.Length)
        {
            byte op = delta[i++];
            if ((op & 0x80) != 0)
            {
                long copyOffset = 0, copySize = 0;
                for (int b = 0; b < 4; b++)
                {
                    if ((op & (1 << b)) != 0)
                    {
                        copyOffset |= (long)Byte(delta, ref i, source) << (8 * b);
                    }
                }

                for (int b = 0; b < 3; b++)
                {
                    if ((op & (0x10 << b)) != 0)
                    {
                        copySize |= (long)Byte(delta, ref i, source) << (8 * b);
                    }
                }

                if (copySize == 0)
                {
                    copySize = 0x10000;
                }

                if (copyOffset + copySize > from.Length || written + copySize > result.Length)
                {
                    throw new InvalidDataException($"{source}: a delta copies outside its base");
                }

                from.Slice((int)copyOffset, (int)copySize).CopyTo(result.AsSpan(written));
                written += (int)copySize;
            }
            else if (op != 0)
            {
                if (i + op > delta.Length || written + op > result.Length)
                {
                    throw new InvalidDataException($"{source}: a delta inserts past its end");
                }

                delta.Slice(i, op).CopyTo(result.AsSpan(written));
                i += op;
                written += op;
            }
            else
            {
                throw new InvalidDataException($"{source}: a delta holds the reserved instruction 0");
            }
        }

        if (written != result.Length)
        {
            throw new InvalidDataException($"{source}: a delta is shorter than it says");
        }

        return new ObjectData(basis.Type, result, result.Length);
    }

    private static byte Byte(ReadOnlySpan<byte> delta, ref int i, string source) =>
        i < delta.Length ? delta[i++] : throw new InvalidDataException($"{source}: a delta ends early");

    private static long Varint(ReadOnlySpan<byte> delta, ref int i, string source)
    {
        long value = 0;
        int shift = 0;
        byte c;
        do
        {
            if (shift > 56)
            {
                throw new InvalidDataException($"{source}: a delta size is too large");
            }

            c = Byte(delta, ref i, source);
            value |= (long)(c & 0x7f) << shift;
            shift += 7;
        }
        while ((c & 0x80) != 0);
        return value;
    }
}
