using System.Buffers.Binary;
using Kashika.Core.Common;

namespace Kashika.Adapters.Trace.PerfData;

/// <summary>One event of a recording (perf_event_attr): its type and config, what each of its samples carries
/// (sample_type), and the sample ids that name it in the records.</summary>
public sealed record PerfEventAttr(uint Type, ulong Config, ulong SampleType, ulong ReadFormat, bool SampleIdAll, IReadOnlyList<ulong> Ids, ulong SamplePeriod = 0, bool Freq = false);

/// <summary>A sample as perf.data stores it (PERF_RECORD_SAMPLE), the fields kashika reads; absent ones are 0 or empty.</summary>
public sealed record PerfSample(int Event, ulong Ip, int Pid, int Tid, ulong Time, uint Cpu, ulong Period, ulong[] Callchain, ushort Misc = 0);

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

    private PerfDataFile(string source, Stream stream, IReadOnlyList<PerfEventAttr> events, long dataOffset, long dataSize, ulong features)
    {
        Features = features;
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

    /// <summary>The file's name, as errors say it.</summary>
    public string Source => source;

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

        var file = new PerfDataFile(source, stream, events, dataOffset, dataSize, BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(72)));
        file.ReadFeatures(header, length);
        return file;
    }

    /// <summary>The first 64 bits of the header's feature bitmap (HEADER_BUILD_ID = bit 2, HEADER_EVENT_DESC = 12, …).</summary>
    public ulong Features { get; }

    // Feature numbers (tools/perf/util/header.h).
    private const int FeatureBuildId = 2, FeatureEventDesc = 12;

    /// <summary>Each event's name as perf prints it ("cpu-clock", "sched:sched_switch"), in the order of <see cref="Events"/>.</summary>
    public IReadOnlyList<string> EventNames { get; private set; } = [];

    /// <summary>The modules perf recorded a build id of (HEADER_BUILD_ID): the file name as perf wrote it, its build id
    /// in lower-case hex, and whether it is kernel code.</summary>
    public IReadOnlyList<(string File, string BuildId, bool Kernel)> BuildIds { get; private set; } = [];

    // The feature sections follow the data section, one {offset, size} for each bit set in the header's bitmap.
    private void ReadFeatures(byte[] header, long length)
    {
        long at = DataOffset + DataSize;
        var table = new byte[16];
        for (int bit = 0; bit < 256; bit++)
        {
            if ((header[72 + (bit / 8)] & (1 << (bit % 8))) == 0)
            {
                continue;
            }

            ReadExactly(stream, at, table, source, "the table of header features");
            at += 16;
            long offset = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(table), long.MaxValue);
            long size = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(8)), long.MaxValue);
            if (bit is not (FeatureBuildId or FeatureEventDesc))
            {
                continue;
            }

            Section(source, $"header feature {bit}", offset, size, length);
            if (size > 1 << 30)
            {
                throw new InputException($"{source}: header feature {bit} of {size} bytes");
            }

            var bytes = new byte[size];
            ReadExactly(stream, offset, bytes, source, $"header feature {bit}");
            if (bit == FeatureBuildId)
            {
                BuildIds = ReadBuildIds(bytes, offset);
            }
            else
            {
                EventNames = ReadEventNames(bytes, offset);
            }
        }

    }

    // HEADER_BUILD_ID: build_id_event records: a record header, pid, 24 bytes of build id (20 used, its size in the
    // 21st when misc has PERF_RECORD_MISC_BUILD_ID_SIZE), then the file name, NUL-padded.
    private List<(string, string, bool)> ReadBuildIds(byte[] bytes, long offset)
    {
        var ids = new List<(string, string, bool)>();
        for (int at = 0; at + 8 <= bytes.Length;)
        {
            ushort misc = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 4));
            int size = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 6));
            if (size < 8 + 4 + 24 || at + size > bytes.Length)
            {
                throw new InputException($"{source}: byte {offset + at}: a build id entry of {size} bytes");
            }

            int idSize = (misc & (1 << 15)) != 0 ? Math.Min((int)bytes[at + 12 + 20], 20) : 20;
            string id = Convert.ToHexStringLower(bytes, at + 12, idSize);
            var name = bytes.AsSpan(at + 36, size - 36);
            int end = name.IndexOf((byte)0);
            string file = System.Text.Encoding.UTF8.GetString(end < 0 ? name : name[..end]);
            bool kernel = (misc & 7) is 1 or 4; // PERF_RECORD_MISC_KERNEL, GUEST_KERNEL
            ids.Add((file, id, kernel));
            at += size;
        }

        return ids;
    }

    // HEADER_EVENT_DESC: nr events and attr size, then per event its attr, its number of ids, its name (a perf string:
    // u32 length, then that many bytes, NUL-padded) and its ids.
    private List<string> ReadEventNames(byte[] bytes, long offset)
    {
        var names = new List<string>();
        var span = bytes.AsSpan();
        if (span.Length < 8)
        {
            return names;
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(span);
        uint attrSize = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        long at = 8;
        for (uint e = 0; e < count; e++)
        {
            if (at + attrSize + 8 > span.Length)
            {
                throw new InputException($"{source}: byte {offset + at}: the event descriptions are cut short");
            }

            at += attrSize;
            uint ids = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)at..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(at + 4)..]);
            at += 8;
            if (at + length + (8L * ids) > span.Length)
            {
                throw new InputException($"{source}: byte {offset + at}: the event descriptions are cut short");
            }

            var name = span.Slice((int)at, (int)length);
            int end = name.IndexOf((byte)0);
            names.Add(System.Text.Encoding.UTF8.GetString(end < 0 ? name : name[..end]));
            at += length + (8L * ids);
        }

        return names;
    }

    /// <summary>The time of a record other than a sample, from its sample_id trailer (perf record's sample_id_all);
    /// null when the recording has none.</summary>
    public ulong? TimeOf(ReadOnlySpan<byte> body)
    {
        var attr = Events[0];
        if (!attr.SampleIdAll || (attr.SampleType & Time) == 0)
        {
            return null;
        }

        ulong st = attr.SampleType;
        if (Events.Count > 1 && (st & Identifier) != 0 && body.Length >= 8
            && eventOfId.TryGetValue(BinaryPrimitives.ReadUInt64LittleEndian(body[^8..]), out int e))
        {
            st = Events[e].SampleType;
        }

        int trailer = 8 * CountBits(st & (Tid | Time | Id | StreamId | Cpu | Identifier));
        int at = body.Length - trailer + ((st & Tid) != 0 ? 8 : 0);
        return at >= 0 && body.Length >= trailer ? BinaryPrimitives.ReadUInt64LittleEndian(body[at..]) : null;
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

        bool freq = (flags & (1UL << 10)) != 0;
        ulong period = BinaryPrimitives.ReadUInt64LittleEndian(span[16..]);
        return new PerfEventAttr(type, config, sampleType, readFormat, (flags & (1UL << 18)) != 0, list, freq ? 0 : period, freq);
    }

    /// <summary>Called with each record: its type, its header's misc bits, its bytes after the 8-byte header (valid
    /// during the call only) and where it starts in the file.</summary>
    public delegate void RecordHandler(uint type, ushort misc, ReadOnlySpan<byte> body, long offset);

    /// <summary>Every record of the data section in order, read sequentially through one buffer.</summary>
    public void ReadRecords(RecordHandler onRecord)
    {
        var buffer = new byte[1 << 20];
        int filled = 0, used = 0;
        long bufferAt = DataOffset; // the file offset of buffer[0]
        long end = DataOffset + DataSize;
        stream.Position = DataOffset;
        for (long at = DataOffset; at < end;)
        {
            if (filled - used < 8 || filled - used < BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(used + 6)))
            {
                // Move what is left to the front and read on (a record is at most 64 KiB).
                buffer.AsSpan(used, filled - used).CopyTo(buffer);
                bufferAt += used;
                filled -= used;
                used = 0;
                int want = (int)Math.Min(buffer.Length - filled, end - (bufferAt + filled));
                int read = stream.ReadAtLeast(buffer.AsSpan(filled, want), want, throwOnEndOfStream: false);
                filled += read;
                if (read < want)
                {
                    throw new InputException($"{source}: byte {bufferAt + filled}: the data section cut short by the end of the file");
                }
            }

            if (end - at < 8 || filled - used < 8)
            {
                throw new InputException($"{source}: byte {at}: a record header cut short by the end of the data section");
            }

            var header = buffer.AsSpan(used, 8);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
            ushort misc = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            if (size < 8 || at + size > end || size > filled - used)
            {
                throw new InputException($"{source}: byte {at}: a record of {size} bytes {(size < 8 ? "(less than its own header)" : "past the end of the data section")}");
            }

            onRecord(type, misc, buffer.AsSpan(used + 8, size - 8), at);
            used += size;
            at += size;
        }
    }

    /// <summary>Each sample of the recording, in the order perf wrote them.</summary>
    public void ReadSamples(Action<PerfSample> onSample)
    {
        long index = 0;
        ReadRecords((type, misc, body, _) =>
        {
            index++;
            if (type == RecordSample)
            {
                onSample(Sample(body, index, misc));
            }
        });
    }

    /// <summary>A sample as perf.data stores it, read in place: the fields kashika reads, and where its call chain's
    /// addresses are in the record (<see cref="PerfSampleFields.Chain"/>).</summary>
    public readonly record struct PerfSampleFields(int Event, ulong Ip, int Pid, int Tid, ulong Time, uint Cpu, ulong Period, int ChainAt, int ChainLength)
    {
        /// <summary>The call chain's addresses, in the record they were read from.</summary>
        public ReadOnlySpan<byte> Chain(ReadOnlySpan<byte> body) => body.Slice(ChainAt, 8 * ChainLength);
    }

    /// <summary>A sample as a record (for tests and tools; the reader uses <see cref="Fields"/>).</summary>
    public PerfSample Sample(ReadOnlySpan<byte> body, long record, ushort misc)
    {
        var f = Fields(body, record);
        var chain = new ulong[f.ChainLength];
        for (int i = 0; i < chain.Length; i++)
        {
            chain[i] = BinaryPrimitives.ReadUInt64LittleEndian(body[(f.ChainAt + (8 * i))..]);
        }

        return new PerfSample(f.Event, f.Ip, f.Pid, f.Tid, f.Time, f.Cpu, f.Period, chain, misc);
    }

    // The event of a sample: with several, told by the sample's id (PERF_SAMPLE_IDENTIFIER: the first field; else
    // PERF_SAMPLE_ID after the ones before it).
    private int EventOf(ReadOnlySpan<byte> body, long record)
    {
        if (Events.Count == 1)
        {
            return 0;
        }

        ulong first = Events[0].SampleType;
        int idAt = (first & Identifier) != 0 ? 0 : (first & Id) != 0 ? 8 * CountBits(first & (Ip | Tid | Time | Addr)) : -1;
        if (idAt < 0 || body.Length < idAt + 8 || !eventOfId.TryGetValue(BinaryPrimitives.ReadUInt64LittleEndian(body[idAt..]), out int e))
        {
            throw new InputException($"{source}: record {record}: a sample whose event cannot be told (no id of a recorded event)");
        }

        return e;
    }

    /// <summary>A sample's time (0 when its event records none), read without the rest of it.</summary>
    public ulong SampleTime(ReadOnlySpan<byte> body, long record)
    {
        ulong st = Events[EventOf(body, record)].SampleType;
        if ((st & Time) == 0)
        {
            return 0;
        }

        int at = 8 * CountBits(st & (Identifier | Ip | Tid));
        return body.Length >= at + 8 ? BinaryPrimitives.ReadUInt64LittleEndian(body[at..])
            : throw new InputException($"{source}: record {record}: a sample shorter than its event's sample_type says");
    }

    /// <summary>A sample's fields in sample_type's order (perf_event.h, "PERF_RECORD_SAMPLE"), each checked against
    /// the record's end.</summary>
    public PerfSampleFields Fields(ReadOnlySpan<byte> body, long record)
    {
        int e = EventOf(body, record);
        ulong st = Events[e].SampleType;
        var r = new Reader(body, source, record);
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

        ulong period = (st & Period) != 0 ? r.U64() : Events[e].SamplePeriod;
        if ((st & Read) != 0)
        {
            throw new InputException($"{source}: record {record}: samples with counter values (perf record -s, PERF_SAMPLE_READ) are not read natively");
        }

        int chainAt = 0, chainLength = 0;
        if ((st & Callchain) != 0)
        {
            ulong nr = r.U64();
            chainAt = r.At;
            if (nr > (ulong)((body.Length - chainAt) / 8))
            {
                throw new InputException($"{source}: record {record}: a call chain of {nr} addresses in a record of {body.Length + 8} bytes");
            }

            chainLength = (int)nr;
        }

        return new PerfSampleFields(e, ip, pid, tid, time, cpu, period, chainAt, chainLength);
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
    private ref struct Reader(ReadOnlySpan<byte> body, string source, long record)
    {
        private readonly ReadOnlySpan<byte> body = body;
        private int at;

        public readonly int At => at;

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
