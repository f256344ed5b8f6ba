using System.Buffers.Binary;
using Kashika.Core.Common;

namespace Kashika.Adapters.Trace.PerfData;

/// <summary>One event of a recording (perf_event_attr): its type and config, what each of its samples carries
/// (sample_type), and the sample ids that name it in the records.</summary>
public sealed record PerfEventAttr(uint Type, ulong Config, ulong SampleType, ulong ReadFormat, bool SampleIdAll, IReadOnlyList<ulong> Ids);

/// <summary>A sample as perf.data stores it (PERF_RECORD_SAMPLE), the fields kashika reads; absent ones are 0 or empty.</summary>
public sealed record PerfSample(int Event, ulong Ip, int Pid, int Tid, ulong Time, uint Cpu, ulong Period, ulong[] Callchain);

/// <summary>
/// perf.data in file mode (<c>PERFILE2</c>, this machine's byte order), read as perf reads it: the header, the events'
/// attributes with their ids, and the data section a record at a time (a stream: a record is read, handed over and
/// forgotten). Reads every record's header and the samples' fields by their event's sample_type. What it cannot read
/// (another byte order, pipe mode, a record cut short or claiming more than the section holds) is an
/// <see cref="InputException"/> naming the file and the byte, never a smaller result.
/// </summary>
public sealed class PerfDataFile
{
    // perf_event_header types (include/uapi/linux/perf_event.h, tools/lib/perf/include/perf/event.h).
    public const uint RecordMmap = 1, RecordLost = 2, RecordComm = 3, RecordExit = 4, RecordFork = 7, RecordSample = 9, RecordMmap2 = 10;
    public const uint RecordFinishedRound = 68, RecordIdIndex = 69, RecordCompressed = 81;

    // sample_type bits.
    private const ulong Ip = 1 << 0, Tid = 1 << 1, Time = 1 << 2, Addr = 1 << 3, Read = 1 << 4, Callchain = 1 << 5, Id = 1 << 6, Cpu = 1 << 7,
        Period = 1 << 8, StreamId = 1 << 9, Identifier = 1 << 16;

    private const int HeaderSize = 104;
    private const ulong Magic = 0x32454C4946524550UL; // "PERFILE2", little-endian

    private readonly string source;
    private readonly Stream stream;
    private readonly Dictionary<ulong, int> eventOfId = [];

    private PerfDataFile(string source, Stream stream, IReadOnlyList<PerfEventAttr> events, long dataOffset, long dataSize)
    {
        this.source = source;
        this.stream = stream;
        Events = events;
        DataOffset = dataOffset;
        DataSize = dataSize;
        for (int e = 0; e < events.Count; e++)
        {
            foreach (ulong id in events[e].Ids)
            {
                eventOfId[id] = e;
            }
        }
    }

    public IReadOnlyList<PerfEventAttr> Events { get; }

    public long DataOffset { get; }

    public long DataSize { get; }

    /// <summary>Reads the header and the events' attributes of a seekable perf.data stream.</summary>
    public static PerfDataFile Open(Stream stream, string source)
    {
        var header = new byte[HeaderSize];
        ReadExactly(stream, 0, header, source, "the file header");
        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (magic == BinaryPrimitives.ReverseEndianness(Magic))
        {
            throw new InputException($"{source}: perf.data of the other byte order: read it with `perf script` on a machine of that order");
        }

        if (magic != Magic)
        {
            throw new InputException($"{source}: not a perf.data file (no PERFILE2 magic)");
        }

        long Field(int at) => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(at)), long.MaxValue);
        long headerSize = Field(8), attrSize = Field(16), attrsOffset = Field(24), attrsSize = Field(32), dataOffset = Field(40), dataSize = Field(48);
        if (headerSize == 16)
        {
            throw new InputException($"{source}: a pipe-mode recording (perf record -o -): not read natively yet");
        }

        if (headerSize != HeaderSize)
        {
            throw new InputException($"{source}: a perf.data header of {headerSize} bytes (perf writes {HeaderSize})");
        }

        long length = stream.Length;
        Section(source, "attributes", attrsOffset, attrsSize, length);
        Section(source, "data", dataOffset, dataSize, length);
        if (attrSize < 16 + 64 + 16 || attrSize > 4096 || attrsSize % attrSize != 0)
        {
            throw new InputException($"{source}: attribute entries of {attrSize} bytes in a section of {attrsSize}");
        }

        var events = new List<PerfEventAttr>();
        var entry = new byte[attrSize];
        for (long at = attrsOffset; at < attrsOffset + attrsSize; at += attrSize)
        {
            ReadExactly(stream, at, entry, source, "an event's attributes");
            events.Add(Attr(stream, source, entry, length));
        }

        if (events.Count == 0)
        {
            throw new InputException($"{source}: no event in the recording");
        }

        return new PerfDataFile(source, stream, events, dataOffset, dataSize);
    }

    // An attribute entry: perf_event_attr (attr_size − 16 bytes), then the section of its ids.
    private static PerfEventAttr Attr(Stream stream, string source, byte[] entry, long length)
    {
        var span = entry.AsSpan();
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(span);
        ulong config = BinaryPrimitives.ReadUInt64LittleEndian(span[8..]);
        ulong sampleType = BinaryPrimitives.ReadUInt64LittleEndian(span[24..]);
        ulong readFormat = BinaryPrimitives.ReadUInt64LittleEndian(span[32..]);
        ulong flags = BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        long idsOffset = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(span[^16..]), long.MaxValue);
        long idsSize = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(span[^8..]), long.MaxValue);
        Section(source, "event ids", idsOffset, idsSize, length);
        var ids = new byte[idsSize];
        ReadExactly(stream, idsOffset, ids, source, "event ids");
        var list = new ulong[idsSize / 8];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = BinaryPrimitives.ReadUInt64LittleEndian(ids.AsSpan(8 * i));
        }

        return new PerfEventAttr(type, config, sampleType, readFormat, (flags & (1UL << 18)) != 0, list);
    }

    /// <summary>
    /// Every record of the data section in order: its type, and for samples the sample. Calls <paramref name="onRecord"/>
    /// with each record's type and its bytes after the 8-byte header (valid during the call only).
    /// </summary>
    public void ReadRecords(Action<uint, ReadOnlySpan<byte>> onRecord)
    {
        var header = new byte[8];
        var body = new byte[64 * 1024];
        long end = DataOffset + DataSize;
        for (long at = DataOffset; at < end;)
        {
            if (end - at < 8)
            {
                throw new InputException($"{source}: byte {at}: a record header cut short by the end of the data section");
            }

            ReadExactly(stream, at, header, source, "a record header");
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6));
            if (size < 8 || at + size > end)
            {
                throw new InputException($"{source}: byte {at}: a record of {size} bytes {(size < 8 ? "(less than its own header)" : "past the end of the data section")}");
            }

            ReadExactly(stream, at + 8, body.AsSpan(0, size - 8), source, "a record");
            onRecord(type, body.AsSpan(0, size - 8));
            at += size;
        }
    }

    /// <summary>Each sample of the recording, in the order perf wrote them.</summary>
    public void ReadSamples(Action<PerfSample> onSample)
    {
        long index = 0;
        ReadRecords((type, body) =>
        {
            index++;
            if (type == RecordSample)
            {
                onSample(Sample(body, index));
            }
        });
    }

    // A sample's fields in sample_type's order (perf_event.h, "PERF_RECORD_SAMPLE"). With several events, the event is
    // found by the sample's id (PERF_SAMPLE_IDENTIFIER: the first field; else PERF_SAMPLE_ID after the ones before it).
    private PerfSample Sample(ReadOnlySpan<byte> body, long record)
    {
        int e = 0;
        if (Events.Count > 1)
        {
            ulong first = Events[0].SampleType;
            int idAt = (first & Identifier) != 0 ? 0 : (first & Id) != 0 ? 8 * CountBits(first & (Ip | Tid | Time | Addr)) : -1;
            if (idAt < 0 || body.Length < idAt + 8 || !eventOfId.TryGetValue(BinaryPrimitives.ReadUInt64LittleEndian(body[idAt..]), out e))
            {
                throw new InputException($"{source}: record {record}: a sample whose event cannot be told (no id of a recorded event)");
            }
        }

        ulong st = Events[e].SampleType;
        var r = new Fields(body, source, record);
        if ((st & Identifier) != 0)
        {
            r.U64();
        }

        ulong ip = (st & Ip) != 0 ? r.U64() : 0;
        int pid = 0, tid = 0;
        if ((st & Tid) != 0)
        {
            pid = r.I32();
            tid = r.I32();
        }

        ulong time = (st & Time) != 0 ? r.U64() : 0;
        if ((st & Addr) != 0)
        {
            r.U64();
        }

        if ((st & Id) != 0)
        {
            r.U64();
        }

        if ((st & StreamId) != 0)
        {
            r.U64();
        }

        uint cpu = 0;
        if ((st & Cpu) != 0)
        {
            cpu = r.U32();
            r.U32();
        }

        ulong period = (st & Period) != 0 ? r.U64() : 0;
        if ((st & Read) != 0)
        {
            throw new InputException($"{source}: record {record}: samples with counter values (perf record -s, PERF_SAMPLE_READ) are not read natively");
        }

        ulong[] chain = [];
        if ((st & Callchain) != 0)
        {
            ulong nr = r.U64();
            if (nr > (ulong)(body.Length / 8))
            {
                throw new InputException($"{source}: record {record}: a call chain of {nr} addresses in a record of {body.Length + 8} bytes");
            }

            chain = new ulong[nr];
            for (int i = 0; i < chain.Length; i++)
            {
                chain[i] = r.U64();
            }
        }

        return new PerfSample(e, ip, pid, tid, time, cpu, period, chain);
    }

    private static int CountBits(ulong x) => System.Numerics.BitOperations.PopCount(x);

    private static void Section(string source, string what, long offset, long size, long length)
    {
        if (offset < 0 || size < 0 || offset > length || size > length - offset)
        {
            throw new InputException($"{source}: the {what} section ({size} bytes at {offset}) is past the end of the file ({length} bytes): cut short?");
        }
    }

    private static void ReadExactly(Stream stream, long at, Span<byte> into, string source, string what)
    {
        stream.Position = at;
        int read = stream.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);
        if (read < into.Length)
        {
            throw new InputException($"{source}: byte {at}: {what} cut short by the end of the file");
        }
    }

    // A sample's fields read in turn, each checked against the record's end.
    private ref struct Fields(ReadOnlySpan<byte> body, string source, long record)
    {
        private readonly ReadOnlySpan<byte> body = body;
        private int at;

        public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        private ReadOnlySpan<byte> Take(int n)
        {
            if (at + n > body.Length)
            {
                throw new InputException($"{source}: record {record}: a sample shorter than its event's sample_type says");
            }

            var s = body.Slice(at, n);
            at += n;
            return s;
        }
    }
}
