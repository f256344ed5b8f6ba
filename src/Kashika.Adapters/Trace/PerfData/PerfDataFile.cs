using System.Buffers.Binary;
using Kashika.Core.Common;

namespace Kashika.Adapters.Trace.PerfData;

/// <summary>One event of a recording (perf_event_attr): its type and config, what each of its samples carries
/// (sample_type), and the sample ids that name it in the records.</summary>
/// <param name="PartChains">Call chains of the kernel or of user space only (exclude_callchain_user or _kernel: perf record
/// --kernel-callchains, --user-callchains).</param>
public sealed record PerfEventAttr(
    uint Type, ulong Config, ulong SampleType, ulong ReadFormat, bool SampleIdAll, IReadOnlyList<ulong> Ids, ulong SamplePeriod = 0, bool Freq = false, bool PartChains = false);

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
    private readonly List<PerfEventAttr> events;
    private readonly List<string> names = [];
    private ulong features;

    private PerfDataFile(string source, Stream stream, List<PerfEventAttr> events, long dataOffset, long dataSize, ulong features)
    {
        this.features = features;
        this.source = source;
        this.stream = stream;
        this.events = events;
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

    public IReadOnlyList<PerfEventAttr> Events => events;

    /// <summary>The file's name, as errors say it.</summary>
    public string Source => source;

    public long DataOffset { get; }

    public long DataSize { get; }

    /// <summary>Reads the header and the events' attributes of a seekable perf.data stream.</summary>
    public static PerfDataFile Open(Stream stream, string source)
    {
        var header = new byte[HeaderSize];
        if (stream.ReadAtLeast(header.AsSpan(0, 16), 16, throwOnEndOfStream: false) < 16)
        {
            throw new InputException($"{source}: byte 0: the file header cut short by the end of the file");
        }

        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (magic == BinaryPrimitives.ReverseEndianness(Magic))
        {
            throw new InputException($"{source}: perf.data of the other byte order: read it with `perf script` on a machine of that order");
        }

        if (magic != Magic)
        {
            throw new InputException($"{source}: not a perf.data file (no PERFILE2 magic)");
        }

        long headerSize = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(8)), long.MaxValue);
        if (headerSize == 16)
        {
            return OpenPipe(stream, source);
        }

        if (!stream.CanSeek)
        {
            throw new InputException($"{source}: a perf.data file on standard input: give its name, or record it for a pipe (perf record -o -)");
        }

        ReadExactly(stream, 16, header.AsSpan(16), source, "the file header");
        long Field(int at) => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(at)), long.MaxValue);
        long attrSize = Field(16), attrsOffset = Field(24), attrsSize = Field(32), dataOffset = Field(40), dataSize = Field(48);

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

    // Records of a pipe-mode recording that describe it rather than what happened (perf's user record types).
    private const uint HeaderAttr = 64, HeaderEventType = 65, HeaderTracingData = 66, HeaderBuildId = 67, AuxtraceInfo = 70, Auxtrace = 71,
        EventUpdate = 78, HeaderFeature = 80, FinishedInit = 82;

    /// <summary>Whether the recording was written for a pipe (perf record -o -): a stream of records, its events and
    /// features among them.</summary>
    public bool IsPipe { get; private init; }

    /// <summary>Whether a pipe-mode recording has hardware-trace records (seen before its first sample).</summary>
    public bool HasAuxtrace { get; private set; }

    // Pipe mode: what comes before the first record of what happened (the events, their names, the features) is read
    // now, so the caller knows the recording before its samples.
    private static PerfDataFile OpenPipe(Stream stream, string source)
    {
        var file = new PerfDataFile(source, stream, [], 16, long.MaxValue, 0) { IsPipe = true };
        file.records = new RecordStream(file, stream, 16, long.MaxValue);
        while (file.records.Next(out var record))
        {
            if (!file.Describe(record.Type, record.Body, record.Offset))
            {
                file.records.Unread();
                break;
            }
        }

        if (file.Events.Count == 0)
        {
            throw new InputException($"{source}: a pipe-mode recording with no event before its first record");
        }

        return file;
    }

    private RecordStream? records;

    // A record describing a pipe-mode recording, taken in; false for a record of what happened.
    private bool Describe(uint type, ReadOnlySpan<byte> body, long offset)
    {
        switch (type)
        {
            case HeaderAttr:
            {
                // perf_event_attr (its own size at byte 4), then the event's ids.
                uint size = body.Length >= 8 ? BinaryPrimitives.ReadUInt32LittleEndian(body[4..]) : 0;
                if (size < 64 || size > body.Length || (body.Length - size) % 8 != 0)
                {
                    throw new InputException($"{source}: byte {offset}: an event's attributes of {size} bytes in a record of {body.Length + 8}");
                }

                var entry = new byte[size + 16];
                body[..(int)size].CopyTo(entry);
                var ids = new List<ulong>();
                for (int at = (int)size; at + 8 <= body.Length; at += 8)
                {
                    ids.Add(BinaryPrimitives.ReadUInt64LittleEndian(body[at..]));
                }

                var attr = AttrOf(entry) with { Ids = ids };
                events.Add(attr);
                names.Add("");
                foreach (ulong id in ids)
                {
                    eventOfId[id] = events.Count - 1;
                }

                return true;
            }

            case EventUpdate when body.Length >= 16 && BinaryPrimitives.ReadUInt64LittleEndian(body) == 2:
            {
                // PERF_EVENT_UPDATE__NAME: the event of this id is called so.
                if (eventOfId.TryGetValue(BinaryPrimitives.ReadUInt64LittleEndian(body[8..]), out int e))
                {
                    var name = body[16..];
                    int end = name.IndexOf((byte)0);
                    names[e] = System.Text.Encoding.UTF8.GetString(end < 0 ? name : name[..end]);
                }

                return true;
            }

            case HeaderFeature when body.Length >= 8:
            {
                ulong feature = BinaryPrimitives.ReadUInt64LittleEndian(body);
                if (feature < 64)
                {
                    features |= 1UL << (int)feature;
                }

                Feature((int)Math.Min(feature, 255), body[8..].ToArray(), offset);
                return true;
            }

            case AuxtraceInfo or Auxtrace:
                HasAuxtrace = true;
                return false;
            case HeaderEventType or HeaderTracingData or HeaderBuildId or EventUpdate or HeaderFeature or 69 or 73 or 74 or 75 or 79 or FinishedInit:
                return true;
            default:
                return false;
        }
    }

    /// <summary>The first 64 bits of the header's feature bitmap (HEADER_BUILD_ID = bit 2, HEADER_EVENT_DESC = 12, …).</summary>
    public ulong Features => features;

    // Feature numbers (tools/perf/util/header.h).
    private const int FeatureBuildId = 2, FeatureOsRelease = 4, FeatureEventDesc = 12, FeatureSampleTime = 21, FeatureCompressed = 27;

    /// <summary>The times of the first and last samples (HEADER_SAMPLE_TIME, perf's clock in ns); null when not said.</summary>
    public (ulong First, ulong Last)? SampleTimes { get; private set; }

    /// <summary>The kernel release of the machine recorded (HEADER_OSRELEASE); null when the header does not say.</summary>
    public string? OsRelease { get; private set; }

    /// <summary>How the records are compressed (HEADER_COMPRESSED's type: 1 is zstd); 0 when they are not.</summary>
    public uint Compression { get; private set; }

    /// <summary>Each event's name as perf prints it ("cpu-clock", "sched:sched_switch"), in the order of <see cref="Events"/>.</summary>
    public IReadOnlyList<string> EventNames => names;

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
            if (bit is not (FeatureBuildId or FeatureOsRelease or FeatureEventDesc or FeatureSampleTime or FeatureCompressed))
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
            Feature(bit, bytes, offset);
        }
    }

    // A feature section kashika reads (in a file's header, or a pipe's HEADER_FEATURE record).
    private void Feature(int bit, byte[] bytes, long offset)
    {
        if (bit == FeatureBuildId)
        {
            BuildIds = ReadBuildIds(bytes, offset);
        }
        else if (bit == FeatureOsRelease)
        {
            // A perf string: u32 length, then that many bytes, NUL-padded.
            OsRelease = bytes.Length >= 4 ? System.Text.Encoding.UTF8.GetString(bytes.AsSpan(4)).TrimEnd('\0') : null;
        }
        else if (bit == FeatureSampleTime)
        {
            ulong first = bytes.Length >= 16 ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : 0, last = bytes.Length >= 16 ? BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)) : 0;
            SampleTimes = first > 0 && last >= first ? (first, last) : null;
        }
        else if (bit == FeatureCompressed)
        {
            // version, type, level, ratio, mmap length: u32 each.
            Compression = bytes.Length >= 8 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)) : 0;
        }
        else if (bit == FeatureEventDesc)
        {
            names.Clear();
            names.AddRange(ReadEventNames(bytes, offset));
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

        return AttrOf(entry) with { Ids = list };
    }

    // perf_event_attr's fields kashika reads (the entry ends with 16 bytes that are not the attr's).
    private static PerfEventAttr AttrOf(byte[] entry)
    {
        var span = entry.AsSpan();
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(span);
        ulong config = BinaryPrimitives.ReadUInt64LittleEndian(span[8..]);
        ulong sampleType = BinaryPrimitives.ReadUInt64LittleEndian(span[24..]);
        ulong readFormat = BinaryPrimitives.ReadUInt64LittleEndian(span[32..]);
        ulong flags = BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        bool freq = (flags & (1UL << 10)) != 0;
        ulong period = BinaryPrimitives.ReadUInt64LittleEndian(span[16..]);
        return new PerfEventAttr(type, config, sampleType, readFormat, (flags & (1UL << 18)) != 0, [], freq ? 0 : period, freq, (flags & (3UL << 21)) != 0);
    }

    /// <summary>Called with each record: its type, its header's misc bits, its bytes after the 8-byte header (valid
    /// during the call only) and where it starts in the file.</summary>
    public delegate void RecordHandler(uint type, ushort misc, ReadOnlySpan<byte> body, long offset);

    /// <summary>Every record of the data section in order (of a pipe: every record after those describing it), read
    /// sequentially through one buffer.</summary>
    public void ReadRecords(RecordHandler onRecord)
    {
        records ??= new RecordStream(this, stream, DataOffset, DataOffset + DataSize);
        while (records.Next(out var record))
        {
            if (record.Type == RecordCompressed)
            {
                // perf record -z: the records, zstd-compressed as one stream across these records.
                (unzstd ??= new Unzstd(source)).Records(record.Body, record.Offset, onRecord);
            }
            else if (!IsPipe || !Describe(record.Type, record.Body, record.Offset))
            {
                onRecord(record.Type, record.Misc, record.Body, record.Offset);
            }
        }

        if (unzstd is { Pending: > 0 } left)
        {
            throw new InputException($"{source}: the compressed records end inside a record ({left.Pending} bytes of it): cut short?");
        }
    }

    /// <summary>A record read: valid until the next is read.</summary>
    private readonly ref struct Record(uint type, ushort misc, ReadOnlySpan<byte> body, long offset)
    {
        public uint Type { get; } = type;

        public ushort Misc { get; } = misc;

        public ReadOnlySpan<byte> Body { get; } = body;

        public long Offset { get; } = offset;
    }

    /// <summary>Records one after another from a stream, through one buffer, from <c>start</c> to <c>end</c> (a pipe's
    /// end is its end of file, where a record may not be cut).</summary>
    private sealed class RecordStream(PerfDataFile file, Stream stream, long start, long end)
    {
        private readonly byte[] buffer = new byte[1 << 20];
        private int filled;
        private int used;
        private int lastSize;
        private long at = start;
        private long bufferAt = start; // the offset of buffer[0]
        private bool positioned;
        private bool ended;

        // Reads the record again at the next call (a pipe's first record of what happened, met while reading its description).
        public void Unread()
        {
            used -= lastSize;
            at -= lastSize;
        }

        public bool Next(out Record record)
        {
            record = default;
            if (!positioned)
            {
                positioned = true;
                if (!file.IsPipe)
                {
                    stream.Position = bufferAt;
                }
            }

            if (at >= end)
            {
                return false;
            }

            if (filled - used < 8 || filled - used < BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(used + 6)))
            {
                Refill();
            }

            if (filled - used == 0 && ended && file.IsPipe)
            {
                return false;
            }

            if (end - at < 8 || filled - used < 8)
            {
                throw new InputException($"{file.source}: byte {at}: a record header cut short by the end of the {(file.IsPipe ? "recording" : "data section")}");
            }

            var header = buffer.AsSpan(used, 8);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
            ushort misc = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            if (size < 8 || at + size > end || size > filled - used)
            {
                throw new InputException($"{file.source}: byte {at}: a record of {size} bytes {(size < 8 ? "(less than its own header)" : $"past the end of the {(file.IsPipe ? "recording" : "data section")}")}");
            }

            record = new Record(type, misc, buffer.AsSpan(used + 8, size - 8), at);
            used += size;
            at += size;
            lastSize = size;
            if (file.IsPipe && type == HeaderTracingData && size >= 12)
            {
                // The tracing data follows its record, its size in the record, padded to 8 bytes: skipped.
                Skip((BinaryPrimitives.ReadUInt32LittleEndian(record.Body) + 7L) & ~7L);
                return Next(out record);
            }

            return true;
        }

        // Moves what is left to the front and reads on (a record is at most 64 KiB).
        private void Refill()
        {
            buffer.AsSpan(used, filled - used).CopyTo(buffer);
            bufferAt += used;
            filled -= used;
            used = 0;
            int want = (int)Math.Min(buffer.Length - filled, end - (bufferAt + filled));
            int read = stream.ReadAtLeast(buffer.AsSpan(filled, want), want, throwOnEndOfStream: false);
            filled += read;
            if (read < want)
            {
                if (!file.IsPipe)
                {
                    throw new InputException($"{file.source}: byte {bufferAt + filled}: the data section cut short by the end of the file");
                }

                ended = true;
            }
        }

        private void Skip(long bytes)
        {
            while (bytes > 0)
            {
                if (filled - used == 0)
                {
                    Refill();
                    if (filled - used == 0)
                    {
                        throw new InputException($"{file.source}: byte {at}: tracing data cut short by the end of the recording");
                    }
                }

                int n = (int)Math.Min(bytes, filled - used);
                used += n;
                at += n;
                bytes -= n;
            }
        }
    }

    private Unzstd? unzstd;

    /// <summary>The records of perf record -z: each COMPRESSED record's data continues one zstd stream, whose output is
    /// records, one of which may span two COMPRESSED records.</summary>
    private sealed unsafe class Unzstd(string source) : IDisposable
    {
        private readonly ZstdSharp.Unsafe.ZSTD_DCtx_s* stream = ZstdSharp.Unsafe.Methods.ZSTD_createDStream();
        private byte[] output = new byte[1 << 18];
        private int length;

        /// <summary>Bytes of a record not yet whole.</summary>
        public int Pending => length;

        public void Records(ReadOnlySpan<byte> compressed, long offset, RecordHandler onRecord)
        {
            fixed (byte* input = compressed)
            {
                nuint read = 0;
                while (read < (nuint)compressed.Length)
                {
                    if (output.Length - length < 1 << 16)
                    {
                        Array.Resize(ref output, output.Length * 2);
                    }

                    nuint written = (nuint)length;
                    nuint result;
                    fixed (byte* into = output)
                    {
                        result = ZstdSharp.Unsafe.Methods.ZSTD_decompressStream_simpleArgs(stream, into, (nuint)output.Length, &written, input, (nuint)compressed.Length, &read);
                    }

                    if (ZstdSharp.Unsafe.Methods.ZSTD_isError(result))
                    {
                        throw new InputException($"{source}: byte {offset}: compressed records that do not decompress ({ZstdSharp.Unsafe.Methods.ZSTD_getErrorName(result)})");
                    }

                    length = (int)written;
                    Deliver(offset, onRecord);
                }
            }
        }

        // The whole records decompressed so far, handed over; a part of one waits for the rest.
        private void Deliver(long offset, RecordHandler onRecord)
        {
            int at = 0;
            while (length - at >= 8)
            {
                int size = BinaryPrimitives.ReadUInt16LittleEndian(output.AsSpan(at + 6));
                if (size < 8)
                {
                    throw new InputException($"{source}: byte {offset}: a compressed record of {size} bytes (less than its own header)");
                }

                if (length - at < size)
                {
                    break;
                }

                var header = output.AsSpan(at, 8);
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
                if (type == RecordCompressed)
                {
                    throw new InputException($"{source}: byte {offset}: a compressed record inside a compressed record");
                }

                onRecord(type, BinaryPrimitives.ReadUInt16LittleEndian(header[4..]), output.AsSpan(at + 8, size - 8), offset);
                at += size;
            }

            output.AsSpan(at, length - at).CopyTo(output);
            length -= at;
        }

        public void Dispose() => ZstdSharp.Unsafe.Methods.ZSTD_freeDStream(stream);
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
    public ulong? SampleTime(ReadOnlySpan<byte> body, long record)
    {
        ulong st = Events[EventOf(body, record)].SampleType;
        if ((st & Time) == 0)
        {
            return null; // a recording without times (--per-thread, -T off) is played as it was written, as perf plays it
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
