using System.Buffers.Binary;
using System.Text;
using Kashika.Core.Common;
using Kashika.Core.Trace;

namespace Kashika.Adapters.Trace.PerfData;

/// <summary>
/// Replays a perf.data recording as <c>perf script</c> does and hands over each sample with its frames named as perf
/// prints them: records in time order (perf's rounds: what a FINISHED_ROUND closes is sorted and played once the next
/// round has been read), threads and their processes' mappings built from COMM, FORK and MMAP/MMAP2 records, each
/// address looked up in its mapping's module and that module's symbols (<see cref="SymbolSource"/>).
/// </summary>
public sealed class PerfSession
{
    // Call-chain context markers (PERF_CONTEXT_*), as unsigned numbers.
    private const ulong ContextHypervisor = unchecked((ulong)-32L), ContextKernel = unchecked((ulong)-128L), ContextUser = unchecked((ulong)-512L), ContextMax = unchecked((ulong)-4095L);
    private const int CpuModeKernel = 1, CpuModeUser = 2, CpuModeHypervisor = 3;
    private const ushort MiscExec = 1 << 13, MiscMmapBuildId = 1 << 14;
    private const uint RecordLostSamples = 13, RecordKsymbol = 17, RecordAuxtraceInfo = 70, RecordAuxtrace = 71;
    private const uint ProtExec = 4;

    private readonly PerfDataFile file;
    private readonly SymbolSource symbols;
    private readonly int maxStack;
    private readonly Dictionary<int, PerfThread> threads = [];
    private readonly AddressSpace kernel = new();

    // Frames by address: the kernel's (for every process; cleared when its mappings change), and those of addresses
    // no mapping holds (user addresses outside every mapping; hypervisor and guest ones, which perf does not name).
    private readonly FrameTable kernelFrames = new();
    private readonly FrameTable unmapped = new();
    private int nextFrame;
    private readonly List<Queued> queue = [];
    private readonly Dictionary<(string Name, string? BuildId), Dso> dsos = [];
    private readonly Dictionary<string, string> buildIds;
    private NativeFrame[] frames = new NativeFrame[128];
    private ulong nextFlush;
    private ulong flushed;
    private ulong maxTime;
    private long sequence;

    /// <param name="maxStack">Frames kept of a call chain (perf script's default is the kernel's
    /// perf_event_max_stack).</param>
    /// <param name="maxQueued">Bytes of records queued before the older half is played (tests make it small).</param>
    public PerfSession(PerfDataFile file, SymbolSource symbols, int maxStack = 127, long maxQueued = 256L << 20)
    {
        this.maxQueued = maxQueued;
        this.file = file;
        this.symbols = symbols;
        this.maxStack = maxStack;
        buildIds = [];
        foreach (var (name, id, _) in file.BuildIds)
        {
            buildIds.TryAdd(name, id);
        }

        var idle = Thread(0, 0);
        idle.Comm = "swapper";
        idle.CommSet = true;
    }

    /// <summary>Samples lost by the kernel (PERF_RECORD_LOST, LOST_SAMPLES): said, as perf script says them.</summary>
    public ulong Lost => lostSamples ?? lostInRecords;

    // perf record ends with a LOST_SAMPLES record per event and CPU counting the samples its LOST records counted as
    // they happened: with both, the LOST_SAMPLES are the total perf report gives ("Total Lost Samples"); older perf
    // wrote only LOST records.
    private ulong lostInRecords;
    private ulong? lostSamples;

    /// <summary>KSYMBOL records: code the kernel compiled at run time (BPF programs, trampolines), which perf names and
    /// this reader does not (none could be recorded here to check against).</summary>
    public long KernelCodeAdded { get; private set; }

    /// <summary>Kernel frames no kernel mapping holds (named "[unknown]").</summary>
    public long UnmappedKernelFrames { get; private set; }

    /// <summary>Records played after later ones were already played (perf's "timestamp below last flush").</summary>
    public long Unordered { get; private set; }

    // sample_type bits that change what perf script makes of a sample.
    private const ulong SampleRead = 1 << 4, SampleBranchStack = 1 << 11, SampleRegistersUser = 1 << 12, SampleStackUser = 1 << 13;
    private const int FeatureAuxtrace = 18, FeatureCompressed = 27;

    /// <summary>Why the recording is not read natively (perf script reads it); null when it is.</summary>
    public static string? Unsupported(PerfDataFile file)
    {
        if (file.EventNames.Count != file.Events.Count || file.EventNames.Any(string.IsNullOrEmpty))
        {
            return "the header does not name its events (no HEADER_EVENT_DESC)";
        }

        if (file.IsPipe && file.Events.Any(e => e.Type == 2))
        {
            return "a pipe-mode recording of tracepoints, which only its tracing data names";
        }

        if ((file.Features & (1UL << FeatureCompressed)) != 0 && file.Compression != 1)
        {
            return $"the recording is compressed by a method perf numbers {file.Compression} (kashika reads zstd, perf record -z)";
        }

        if ((file.Features & (1UL << FeatureAuxtrace)) != 0 || file.HasAuxtrace)
        {
            return "the recording holds hardware traces (AUX area: Intel PT, CoreSight)";
        }

        foreach (var attr in file.Events)
        {
            if ((attr.SampleType & (SampleRegistersUser | SampleStackUser)) != 0)
            {
                return "its call graphs are copies of the stack (--call-graph dwarf), which perf unwinds";
            }

            if ((attr.SampleType & SampleBranchStack) != 0)
            {
                return "its samples carry branch stacks (perf record -b, --call-graph lbr)";
            }

            if ((attr.SampleType & SampleRead) != 0)
            {
                return "its samples carry counter values (perf record -s, PERF_SAMPLE_READ)";
            }
        }

        return null;
    }

    /// <summary>Plays the whole recording, calling <paramref name="onSample"/> for each sample in perf script's order.</summary>
    /// <exception cref="InputException">The recording is damaged.</exception>
    /// <exception cref="InvalidOperationException">It is of a kind <see cref="Unsupported"/> names.</exception>
    public void Run(NativeSampleHandler onSample)
    {
        if (Unsupported(file) is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        long index = 0;
        file.ReadRecords((type, misc, body, offset) =>
        {
            index++;
            switch (type)
            {
                case PerfDataFile.RecordFinishedRound:
                    Flush(nextFlush, onSample);
                    nextFlush = maxTime;
                    return;
                case RecordAuxtraceInfo or RecordAuxtrace:
                    throw new InputException($"{file.Source}: byte {offset}: a record of type {type}, which the header does not announce");
                case PerfDataFile.RecordLost:
                    lostInRecords += body.Length >= 16 ? BinaryPrimitives.ReadUInt64LittleEndian(body[8..]) : 0;
                    return;
                case RecordLostSamples:
                    lostSamples = (lostSamples ?? 0) + (body.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(body) : 0);
                    return;
                case RecordKsymbol:
                    KernelCodeAdded++;
                    return;
                case PerfDataFile.RecordSample or PerfDataFile.RecordMmap or PerfDataFile.RecordMmap2
                    or PerfDataFile.RecordComm or PerfDataFile.RecordFork:
                    break;
                default:
                    return;
            }

            ulong? time = type == PerfDataFile.RecordSample ? file.SampleTime(body, index) : file.TimeOf(body);
            if (time is not { } t)
            {
                Play(type, misc, body, index, onSample);
                return;
            }

            if (t < flushed)
            {
                Unordered++; // perf's "out of order events": played after later ones
            }

            maxTime = Math.Max(maxTime, t);
            queue.Add(new Queued(t, sequence++, type, misc, arena.Add(body), body.Length, index));
            if (arena.Length > maxQueued)
            {
                // Rounds this large (a recording without FINISHED_ROUND): the older half is played, as perf's
                // ordered events do when their memory runs out, so memory stays bounded.
                var times = queue.Select(q => q.Time).Order().ToList();
                ulong half = times[times.Count / 2];
                Flush(half, onSample);
            }
        });
        Flush(ulong.MaxValue, onSample);
    }

    private readonly long maxQueued;

    private readonly record struct Queued(ulong Time, long Sequence, uint Type, ushort Misc, long At, int Length, long Index);

    // The bytes of the records queued, one after another: what a round holds, not an array a record.
    private Arena arena = new();
    private Arena spare = new();

    private sealed class Arena
    {
        private byte[] bytes = new byte[1 << 20];

        public long Length { get; private set; }

        public long Add(ReadOnlySpan<byte> record)
        {
            if (Length + record.Length > bytes.Length)
            {
                Array.Resize(ref bytes, (int)Math.Min(Array.MaxLength, Math.Max(bytes.Length * 2L, Length + record.Length)));
            }

            record.CopyTo(bytes.AsSpan((int)Length));
            Length += record.Length;
            return Length - record.Length;
        }

        public ReadOnlySpan<byte> this[long at, int length] => bytes.AsSpan((int)at, length);

        public void Clear() => Length = 0;
    }

    // Plays what is queued up to limit in perf's order. Samples change nothing, and the profile does not depend on the
    // order they are counted in, so only the other records (mappings, names, forks: few) are sorted; each sample is
    // played after the records that come before it (by time, then as read) and before those after it.
    private void Flush(ulong limit, NativeSampleHandler onSample)
    {
        flushed = Math.Max(flushed, limit);
        if (queue.Count == 0)
        {
            return;
        }

        now.Clear();
        changes.Clear();
        later.Clear();
        foreach (var q in queue)
        {
            (q.Time <= limit ? now : later).Add(q);
            if (q.Time <= limit && q.Type != PerfDataFile.RecordSample)
            {
                changes.Add(q);
            }
        }

        // What stays queued moves to the other arena; this one is reused once played.
        queue.Clear();
        spare.Clear();
        foreach (var q in later)
        {
            queue.Add(q with { At = spare.Add(arena[q.At, q.Length]) });
        }

        var played = arena;
        (arena, spare) = (spare, arena);
        if (changes.Count == 0)
        {
            foreach (var q in now)
            {
                Play(q, played, onSample);
            }

            return;
        }

        changes.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Sequence.CompareTo(b.Sequence));

        // Each sample's place among the changes (k: after k of them), then the samples in order of place (a counting sort).
        var places = new int[now.Count];
        var starts = new int[changes.Count + 2];
        for (int i = 0; i < now.Count; i++)
        {
            var q = now[i];
            if (q.Type != PerfDataFile.RecordSample)
            {
                places[i] = -1;
                continue;
            }

            int lo = 0, hi = changes.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                var c = changes[mid];
                if (c.Time < q.Time || (c.Time == q.Time && c.Sequence < q.Sequence))
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            places[i] = lo;
            starts[lo + 1]++;
        }

        for (int k = 1; k < starts.Length; k++)
        {
            starts[k] += starts[k - 1];
        }

        var order = new int[starts[^1]];
        var next = (int[])starts.Clone();
        for (int i = 0; i < now.Count; i++)
        {
            if (places[i] >= 0)
            {
                order[next[places[i]]++] = i;
            }
        }

        for (int k = 0; k <= changes.Count; k++)
        {
            for (int j = starts[k]; j < starts[k + 1]; j++)
            {
                Play(now[order[j]], played, onSample);
            }

            if (k < changes.Count)
            {
                Play(changes[k], played, onSample);
            }
        }
    }

    private readonly List<Queued> now = [];
    private readonly List<Queued> later = [];
    private readonly List<Queued> changes = [];

    private void Play(Queued q, Arena from, NativeSampleHandler onSample) => Play(q.Type, q.Misc, from[q.At, q.Length], q.Index, onSample);

    private void Play(uint type, ushort misc, ReadOnlySpan<byte> body, long index, NativeSampleHandler onSample)
    {
        switch (type)
        {
            case PerfDataFile.RecordSample:
                Sample(body, file.Fields(body, index), misc, onSample);
                break;
            case PerfDataFile.RecordComm when body.Length >= 8:
            {
                var thread = Thread(I32(body), I32(body[4..]));
                thread.Comm = String(body[8..]);
                thread.CommSet = true;
                break;
            }

            case PerfDataFile.RecordFork when body.Length >= 16:
                Fork(I32(body), I32(body[4..]), I32(body[8..]), I32(body[12..]), misc);
                break;
            case PerfDataFile.RecordMmap when body.Length >= 32:
                // pid, tid, start, len, pgoff, filename; a data mapping (perf record -d) is not executable.
                Mmap(misc, I32(body), I32(body[4..]), U64(body[8..]), U64(body[16..]), U64(body[24..]), (misc & MiscExec) != 0 ? 0 : ProtExec, null, String(body[32..]));
                break;
            case PerfDataFile.RecordMmap2 when body.Length >= 64:
            {
                // pid, tid, start, len, pgoff, then maj/min/ino/ino_generation or a build id, prot, flags, filename.
                string? buildId = (misc & MiscMmapBuildId) != 0 ? Convert.ToHexStringLower(body.Slice(36, Math.Min((int)body[32], 20))) : null;
                Mmap(misc, I32(body), I32(body[4..]), U64(body[8..]), U64(body[16..]), U64(body[24..]), BinaryPrimitives.ReadUInt32LittleEndian(body[56..]), buildId, String(body[64..]));
                break;
            }
        }
    }

    private void Sample(ReadOnlySpan<byte> body, PerfDataFile.PerfSampleFields sample, ushort misc, NativeSampleHandler onSample)
    {
        var thread = Thread(sample.Pid, sample.Tid);
        var attr = file.Events[sample.Event];
        int count = 0;
        if ((attr.SampleType & (1UL << 5)) != 0)
        {
            int cpuMode = CpuModeUser, entries = 0;
            bool ownMode = false;
            var chain = sample.Chain(body);

            for (int i = 0; i < chain.Length; i += 8)
            {
                ulong ip = BinaryPrimitives.ReadUInt64LittleEndian(chain[i..]);
                if (entries >= maxStack)
                {
                    break;
                }

                if (ip >= ContextMax)
                {
                    switch (ip)
                    {
                        case ContextHypervisor: cpuMode = CpuModeHypervisor; continue;
                        case ContextKernel: cpuMode = CpuModeKernel; continue;
                        case ContextUser: cpuMode = CpuModeUser; continue;
                        default:
                            count = 0; // perf discards a chain with a context it does not know
                            goto done;
                    }
                }

                entries++;
                ownMode |= cpuMode == (misc & 7);
                Add(Resolve(thread, cpuMode, ip), ref count);
            }

            // A chain without the sampled mode's part (perf record --user-callchains or --kernel-callchains) does not
            // hold the sampled address: perf report counts the sample at its address all the same, so it is the leaf.
            if (attr.PartChains && !ownMode && (misc & 7) is CpuModeKernel or CpuModeUser && (attr.SampleType & 1) != 0)
            {
                Add(Resolve(thread, misc & 7, sample.Ip), ref count);
                frames.AsSpan(0, count).Reverse();
                frames.AsSpan(1, count - 1).Reverse();
            }
        }
        else
        {
            Add(Resolve(thread, misc & 7, sample.Ip), ref count);
        }

    done:
        onSample(new NativeSample(thread.Comm, sample.Pid, sample.Tid, file.EventNames[sample.Event], sample.Period, sample.Time, frames.AsSpan(0, count)));
    }

    private void Add(NativeFrame frame, ref int count)
    {
        if (count == frames.Length)
        {
            Array.Resize(ref frames, frames.Length * 2);
        }

        frames[count++] = frame;
    }

    // An address named as perf's thread__find_symbol does: kernel addresses in the kernel's maps, user ones in the
    // process's; the address printed is the mapping's (its offset in the module for user code). A kernel address is
    // remembered for every process; a user address by its module and offset, so processes running the same program
    // share what was found, and an address no mapping holds by itself.
    private NativeFrame Resolve(PerfThread thread, int cpuMode, ulong ip)
    {
        if (cpuMode != CpuModeUser)
        {
            var cache = cpuMode == CpuModeKernel ? kernelFrames : unmapped;
            if (!cache.TryGetValue(ip, out var known))
            {
                cache.Add(ip, known = Name(cpuMode == CpuModeKernel ? kernel.Find(ip) : null, ip));
            }

            if (known.Module is null && cpuMode == CpuModeKernel)
            {
                UnmappedKernelFrames++;
            }

            return known;
        }

        var map = thread.Maps.Find(ip);
        if (map is null)
        {
            if (!unmapped.TryGetValue(ip, out var known))
            {
                unmapped.Add(ip, known = Name(null, ip));
            }

            return known;
        }

        ulong address = map.Identity ? ip : unchecked(ip - map.Start + map.PageOffset);
        if (!map.Dso.Frames.TryGetValue(address, out var frame))
        {
            map.Dso.Frames.Add(address, frame = Name(map, ip));
        }

        return frame;
    }

    private NativeFrame Name(Map? map, ulong ip)
    {
        if (map is { Dso.Kernel: true, Dso.Symbols: null } && kernel.Find(ip) == map)
        {
            // perf loads the kernel's symbols at its first address, and the kernel's map then spans them all (map__fixup_start/end).
            var table = symbols.Symbols(map.Dso);
            if (table.Count > 0 && map.Dso.Name == "[kernel.kallsyms]")
            {
                InsertKernel(map with { Start = table.First, End = table.Last });
            }
        }

        if (map is null)
        {
            return new NativeFrame(nextFrame++, NameId(null, null), null, null, ip);
        }

        ulong address = map.Identity ? ip : unchecked(ip - map.Start + map.PageOffset);
        string? symbol = symbols.Symbols(map.Dso).Find(address);
        return new NativeFrame(nextFrame++, NameId(symbol, map.Dso.Name), symbol, map.Dso.Name, address);
    }

    private readonly Dictionary<(string?, string?), int> names = [];

    private int NameId(string? symbol, string? module)
    {
        ref int id = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(names, (symbol, module), out bool exists);
        if (!exists)
        {
            id = names.Count - 1;
        }

        return id;
    }

    // perf's machine__findnew_thread: a thread by its id, made when first met (named ":tid" until a COMM names it); the
    // threads of a process share their leader's mappings.
    private PerfThread Thread(int pid, int tid)
    {
        if (threads.TryGetValue(tid, out var thread))
        {
            if (thread.Pid == -1 && pid != -1)
            {
                thread.Pid = pid;
                if (pid != tid)
                {
                    thread.Maps = Thread(pid, pid).Maps;
                }
            }

            return thread;
        }

        thread = new PerfThread(pid, tid);
        threads[tid] = thread;
        thread.Maps = pid == tid || pid == -1 ? new AddressSpace() : Thread(pid, pid).Maps;
        return thread;
    }

    private void Fork(int pid, int ppid, int tid, int ptid, ushort misc)
    {
        var parent = Thread(ppid, ptid);
        threads.Remove(tid);
        var child = Thread(pid, tid);
        if (parent.CommSet)
        {
            child.Comm = parent.Comm;
            child.CommSet = true;
        }

        // A new process gets a copy of its parent's mappings, except for FORK records perf wrote itself for processes
        // already running (PERF_RECORD_MISC_FORK_EXEC), whose mappings follow.
        if (child.Pid != parent.Pid && child.Maps != parent.Maps && (misc & MiscExec) == 0)
        {
            child.Maps.CopyFrom(parent.Maps);
        }
    }

    private void Mmap(ushort misc, int pid, int tid, ulong start, ulong length, ulong pageOffset, uint prot, string? buildId, string name)
    {
        if ((misc & 7) is CpuModeKernel)
        {
            KernelMmap(start, length, pageOffset, name);
            return;
        }

        if ((misc & 7) is not CpuModeUser)
        {
            return; // guests' mappings: their samples are not named either
        }

        var thread = Thread(pid, tid);
        bool anonymous = name.StartsWith("//anon", StringComparison.Ordinal) || name.StartsWith("[anon:", StringComparison.Ordinal)
            || name.StartsWith("/dev/zero", StringComparison.Ordinal) || name.StartsWith("/anon_hugepage", StringComparison.Ordinal);
        bool noModule = name.StartsWith("[stack", StringComparison.Ordinal) || name.StartsWith("/SYSV", StringComparison.Ordinal) || name == "[heap]";
        if ((anonymous || noModule) && (prot & ProtExec) != 0)
        {
            // Executable anonymous memory is JIT code: perf names it after the process's perf map.
            name = $"/tmp/perf-{pid}.map";
        }

        bool vdso = name == "[vdso]";
        var dso = Dso(name, buildId ?? buildIds.GetValueOrDefault(name));
        thread.Maps.Insert(new Map(start, End(start, length), vdso ? 0 : pageOffset, dso, anonymous || noModule));
    }

    private void KernelMmap(ulong start, ulong length, ulong pageOffset, string name)
    {
        const string Kallsyms = "[kernel.kallsyms]";
        if (name.StartsWith(Kallsyms, StringComparison.Ordinal))
        {
            var dso = Dso(Kallsyms, buildIds.GetValueOrDefault(Kallsyms));
            dso.Kernel = true;
            dso.RelocationSymbol = name.Length > Kallsyms.Length ? (name[Kallsyms.Length..], pageOffset) : null;
            ulong end = start == 0 && length == 0 ? ulong.MaxValue : End(start, length);
            InsertKernel(new Map(start, end, 0, dso, Identity: true));
            return;
        }

        if (name.StartsWith('/') || name.StartsWith('['))
        {
            // A kernel module: perf names it "[name]" after its file.
            string module = name.StartsWith('[') ? name : $"[{ModuleName(name)}]";
            var dso = Dso(module, buildIds.GetValueOrDefault(name));
            dso.Kernel = true;
            InsertKernel(new Map(start, End(start, length), 0, dso, Identity: true));
        }
    }

    private void InsertKernel(Map map)
    {
        kernel.Insert(map);
        kernelFrames.Clear();
    }

    // Where a mapping ends: at the top of the address space when what a record says would pass it.
    private static ulong End(ulong start, ulong length) => length > ulong.MaxValue - start ? ulong.MaxValue : start + length;

    private static string ModuleName(string path)
    {
        string file = path[(path.LastIndexOf('/') + 1)..];
        int dot = file.IndexOf(".ko", StringComparison.Ordinal);
        return (dot > 0 ? file[..dot] : file).Replace('-', '_');
    }

    private Dso Dso(string name, string? buildId)
    {
        if (!dsos.TryGetValue((name, buildId), out var dso))
        {
            dsos[(name, buildId)] = dso = new Dso(name, buildId);
        }

        return dso;
    }

    private static int I32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt32LittleEndian(bytes);

    private static ulong U64(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt64LittleEndian(bytes);

    private static string String(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}

/// <summary>A module as perf names it, with its build id when perf recorded one.</summary>
public sealed class Dso(string name, string? buildId)
{
    public string Name { get; } = name;

    public string? BuildId { get; } = buildId;

    public bool Kernel { get; set; }

    /// <summary>The kernel's: the symbol perf recorded the address of (_text), and that address, by which symbols read
    /// from another boot's kallsyms are moved.</summary>
    public (string Name, ulong Address)? RelocationSymbol { get; set; }

    internal SymbolTable? Symbols { get; set; }

    /// <summary>The frame each address of the module (as its mappings place it) was named as.</summary>
    internal FrameTable Frames { get; } = new();
}

/// <summary>Frames by address: open addressing, each address beside its frame (one memory access a lookup, where a
/// Dictionary makes two; this lookup runs for every frame of every sample).</summary>
internal sealed class FrameTable
{
    private ulong[] keys = new ulong[64];
    private NativeFrame?[] values = new NativeFrame?[64];
    private int count;

    public bool TryGetValue(ulong address, out NativeFrame frame)
    {
        int mask = keys.Length - 1;
        for (int i = Slot(address, mask); ; i = (i + 1) & mask)
        {
            if (values[i] is not { } found)
            {
                frame = null!;
                return false;
            }

            if (keys[i] == address)
            {
                frame = found;
                return true;
            }
        }
    }

    public void Add(ulong address, NativeFrame frame)
    {
        if (2 * (count + 1) > keys.Length)
        {
            var (oldKeys, oldValues) = (keys, values);
            keys = new ulong[oldKeys.Length * 2];
            values = new NativeFrame?[oldKeys.Length * 2];
            count = 0;
            for (int j = 0; j < oldKeys.Length; j++)
            {
                if (oldValues[j] is { } v)
                {
                    Add(oldKeys[j], v);
                }
            }
        }

        int mask = keys.Length - 1;
        int i = Slot(address, mask);
        while (values[i] is not null)
        {
            i = (i + 1) & mask;
        }

        keys[i] = address;
        values[i] = frame;
        count++;
    }

    public void Clear()
    {
        if (count > 0)
        {
            Array.Clear(keys);
            Array.Clear(values);
            count = 0;
        }
    }

    private static int Slot(ulong address, int mask) => unchecked((int)((address * 0x9E3779B97F4A7C15UL) >> 40) & mask);
}

internal sealed record Map(ulong Start, ulong End, ulong PageOffset, Dso Dso, bool Identity);

internal sealed class PerfThread(int pid, int tid)
{

    public int Pid { get; set; } = pid;

    public int Tid { get; } = tid;

    public string Comm { get; set; } = $":{tid}";

    public bool CommSet { get; set; }

    public AddressSpace Maps { get; set; } = null!;
}

/// <summary>A process's mappings (or the kernel's), sorted and not overlapping: a new mapping replaces what it covers of
/// older ones (perf's maps__fixup_overlappings).</summary>
internal sealed class AddressSpace
{
    private readonly List<Map> maps = [];


    public void Insert(Map map)
    {
        last = null;
        int i = First(map.Start);
        var pieces = new List<Map>();
        while (i < maps.Count && maps[i].Start < map.End)
        {
            var old = maps[i];
            if (old.End <= map.Start)
            {
                i++;
                continue;
            }

            maps.RemoveAt(i);
            if (old.Start < map.Start)
            {
                pieces.Add(old with { End = map.Start });
            }

            if (old.End > map.End)
            {
                pieces.Add(old with { Start = map.End, PageOffset = old.Identity ? old.PageOffset : unchecked(old.PageOffset + (map.End - old.Start)) });
            }
        }

        pieces.Add(map);
        foreach (var piece in pieces)
        {
            int at = First(piece.Start);
            maps.Insert(at, piece);
        }
    }

    public void CopyFrom(AddressSpace other)
    {
        last = null;
        maps.Clear();
        maps.AddRange(other.maps);
    }

    public Map? Find(ulong address)
    {
        if (last is { } m0 && address >= m0.Start && address < m0.End)
        {
            return m0;
        }

        last = Search(address);
        return last;
    }

    private Map? last;

    private Map? Search(ulong address)
    {
        int lo = 0, hi = maps.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var m = maps[mid];
            if (address < m.Start)
            {
                hi = mid - 1;
            }
            else if (address >= m.End)
            {
                lo = mid + 1;
            }
            else
            {
                return m;
            }
        }

        return null;
    }

    // The index of the first mapping that ends after address.
    private int First(ulong address)
    {
        int lo = 0, hi = maps.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (maps[mid].End <= address)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
