using System.Buffers.Binary;

namespace Kashika.Adapters.Git.Native;

/// <summary>
/// git's commit-graph (<c>objects/info/commit-graph</c>, or a chain of layers in <c>objects/info/commit-graphs</c>):
/// every commit's parents and commit date without inflating it. Positions are global over the chain, base layer first,
/// as the file format numbers them.
/// </summary>
internal sealed class CommitGraph : IDisposable
{
    private const uint NoParent = 0x70000000;
    private const uint ExtraEdges = 0x80000000;
    private readonly List<Layer> layers = [];

    private sealed class Layer(MappedFile file, int count, int first, long fanoutAt, long namesAt, long dataAt, long edgesAt)
    {
        public MappedFile File { get; } = file;
        public int Count { get; } = count;
        public int First { get; } = first;
        public long FanoutAt { get; } = fanoutAt;
        public long NamesAt { get; } = namesAt;
        public long DataAt { get; } = dataAt;
        public long EdgesAt { get; } = edgesAt;
    }

    public int Count { get; private set; }

    /// <summary>The repository's graph, or null when it has none. A graph this reader cannot use is unsupported.</summary>
    public static CommitGraph? Open(string objectsFolder)
    {
        string single = Path.Combine(objectsFolder, "info", "commit-graph");
        string chain = Path.Combine(objectsFolder, "info", "commit-graphs", "commit-graph-chain");
        var files = new List<string>();
        if (File.Exists(single))
        {
            files.Add(single);
        }
        else if (File.Exists(chain))
        {
            foreach (string line in File.ReadAllLines(chain))
            {
                if (line.Length != 40 || !ObjectId.TryParse(line, out _))
                {
                    throw new UnsupportedRepositoryException($"{chain}: a line that is no graph name");
                }

                files.Add(Path.Combine(objectsFolder, "info", "commit-graphs", $"graph-{line}.graph"));
            }
        }

        if (files.Count == 0)
        {
            return null;
        }

        var graph = new CommitGraph();
        try
        {
            foreach (string file in files)
            {
                graph.Add(file);
            }

            return graph;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OverflowException)
        {
            graph.Dispose();
            throw new UnsupportedRepositoryException($"commit-graph cannot be read: {e.Message}");
        }
    }

    private void Add(string path)
    {
        var file = new MappedFile(path);
        try
        {
            var head = file.Span(0, 8);
            if (head.Length < 8 || !head[..4].SequenceEqual("CGPH"u8) || head[4] != 1)
            {
                throw new InvalidDataException($"{path}: not a version 1 commit-graph");
            }

            if (head[5] != 1)
            {
                throw new UnsupportedRepositoryException($"{path}: commit-graph of a SHA-256 repository");
            }

            int chunks = head[6];
            long fanout = -1, names = -1, data = -1, edges = -1, generations = -1, overflow = -1, previous = 8 + ((chunks + 1) * 12L);
            // The chunk table, and the entry after it that says where the last chunk ends: offsets in order, inside the
            // file before its checksum, as git requires ("improper chunk offset"; anything else is git's to say).
            for (int c = 0; c <= chunks; c++)
            {
                var entry = file.Span(8 + (c * 12L), 12);
                if (entry.Length < 12)
                {
                    throw new InvalidDataException($"{path}: chunk table cut short");
                }

                long offset = checked((long)BinaryPrimitives.ReadUInt64BigEndian(entry[4..]));
                if (offset < previous || offset > file.Length - 20)
                {
                    throw new InvalidDataException($"{path}: improper chunk offset");
                }

                previous = offset;
                switch (BinaryPrimitives.ReadUInt32BigEndian(entry))
                {
                    case 0x4f494446: fanout = offset; break; // OIDF
                    case 0x4f49444c: names = offset; break; // OIDL
                    case 0x43444154: data = offset; break; // CDAT
                    case 0x45444745: edges = offset; break; // EDGE
                    case 0x47444132: generations = offset; break; // GDA2
                    case 0x47444f32: overflow = offset; break; // GDO2
                }
            }

            if (fanout < 0 || names < 0 || data < 0)
            {
                throw new InvalidDataException($"{path}: a required chunk is missing");
            }

            if (fanout + 1024 > file.Length)
            {
                throw new InvalidDataException($"{path}: chunks run past the end");
            }

            if (!ObjectId.FanoutInOrder(file.Span(fanout, 1024)))
            {
                throw new InvalidDataException($"{path}: commit-graph OID fanout out of order");
            }

            int count = (int)BinaryPrimitives.ReadUInt32BigEndian(file.Span(fanout + (255 * 4), 4));
            if (names + (count * 20L) > file.Length || data + (count * 36L) > file.Length || (generations >= 0 && generations + (count * 4L) > file.Length))
            {
                throw new InvalidDataException($"{path}: chunks run past the end");
            }

            // Corrected commit dates this reader does not use; but git dies on one that points to overflow data the graph
            // lacks, so such a graph is git's to refuse.
            for (int i = 0; generations >= 0 && overflow < 0 && i < count; i++)
            {
                if ((BinaryPrimitives.ReadUInt32BigEndian(file.Span(generations + (i * 4L), 4)) & 0x80000000) != 0)
                {
                    throw new InvalidDataException($"{path}: commit-graph requires overflow generation data but has none");
                }
            }

            layers.Add(new Layer(file, count, Count, fanout, names, data, edges));
            Count = checked(Count + count);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The global position of <paramref name="id"/>, or -1 when the graph does not hold it.</summary>
    public int Find(ObjectId id)
    {
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            var layer = layers[l];
            var (first, length) = ObjectId.FanoutRange(layer.File.Span(layer.FanoutAt, 1024), id);
            var names = layer.File.Span(layer.NamesAt + (first * 20L), length * 20);
            if (names.Length != length * 20)
            {
                throw new InvalidDataException($"{layer.File.Path}: the fan-out table points past the names");
            }

            int at = ObjectId.Search(names, id);
            if (at >= 0)
            {
                return layer.First + first + at;
            }
        }

        return -1;
    }

    public ObjectId IdAt(int position)
    {
        var (layer, local) = LayerOf(position);
        return ObjectId.Read(layer.File.Span(layer.NamesAt + (local * 20L), 20));
    }

    /// <summary>The commit date (committer time) the graph stores: 34 bits, as git reads it.</summary>
    public long CommitTime(int position)
    {
        var (layer, local) = LayerOf(position);
        var entry = layer.File.Span(layer.DataAt + (local * 36L) + 28, 8);
        return ((long)(BinaryPrimitives.ReadUInt32BigEndian(entry) & 3) << 32) | BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
    }

    /// <summary>Adds the parents' positions of the commit at <paramref name="position"/> to <paramref name="parents"/>.</summary>
    public void Parents(int position, List<int> parents)
    {
        var (layer, local) = LayerOf(position);
        var entry = layer.File.Span(layer.DataAt + (local * 36L) + 20, 8);
        uint first = BinaryPrimitives.ReadUInt32BigEndian(entry);
        uint second = BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
        if (first == NoParent)
        {
            return;
        }

        parents.Add(Checked(first));
        if (second == NoParent)
        {
            return;
        }

        if ((second & ExtraEdges) == 0)
        {
            parents.Add(Checked(second));
            return;
        }

        if (layer.EdgesAt < 0)
        {
            throw new InvalidDataException($"{layer.File.Path}: an octopus merge without an EDGE chunk");
        }

        for (long e = second & ~ExtraEdges; ; e++)
        {
            var edge = layer.File.Span(layer.EdgesAt + (e * 4), 4);
            if (edge.Length < 4)
            {
                throw new InvalidDataException($"{layer.File.Path}: EDGE chunk cut short");
            }

            uint value = BinaryPrimitives.ReadUInt32BigEndian(edge);
            parents.Add(Checked(value & ~ExtraEdges));
            if ((value & ExtraEdges) != 0)
            {
                return;
            }
        }
    }

    private int Checked(uint position) =>
        position < (uint)Count ? (int)position : throw new InvalidDataException("commit-graph names a parent it does not hold");

    private (Layer Layer, int Local) LayerOf(int position)
    {
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            if (position >= layers[l].First)
            {
                return (layers[l], position - layers[l].First);
            }
        }

        throw new InvalidDataException("commit-graph position out of range");
    }

    public void Dispose()
    {
        foreach (var layer in layers)
        {
            layer.File.Dispose();
        }
    }
}
