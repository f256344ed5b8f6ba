using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Kashika.Core.Trace;

/// <summary>
/// Folds <c>perf script</c> output into stacks with counts, as stackcollapse-perf.pl does, with its defects fixed (see
/// docs/trace-deviations.md). Lines are fed one at a time, so memory grows with the unique frames and stacks, never with
/// the input. Text is handled as bytes: each char of the strings here is one input byte (Latin-1), so nothing is lost.
/// </summary>
public sealed class PerfScriptCollapser
{
    private const int MaxReported = 5;

    private readonly CollapseOptions options;
    private readonly FrameTable frames = new();
    private readonly Dictionary<string, long> stacks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> stackLookup;
    // Frame lines repeat endlessly; each distinct line is tidied once and then only looked up.
    private readonly Dictionary<string, ParsedFrames> frameLines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ParsedFrames>.AlternateLookup<ReadOnlySpan<char>> frameLineLookup;
    private readonly Dictionary<string, int> processNames = new(StringComparer.Ordinal);
    // Module names, kept once each: a million frames of one library share one string.
    private readonly HashSet<string> modules = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> moduleLookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> processLookup;
    private readonly List<int> current = [];
    private readonly List<(string Source, long Line, string Text)> unrecognized = [];
    private string source = "-";
    private long lineInSource;
    private char[] chars = new char[4096];
    private char[] keyBuffer = new char[256];

    private int process = -1; // the sample's process-name frame; -1 outside a sample or in a filtered one
    private long period;
    private long total; // every sample's weight: each stack's count stays below it
    private long slice = -1; // with TimeSlices: the sample's time slice (-1: its line had no timestamp)
    private bool isJava;
    private int pendingSrclines;
    private int srclineTarget = -1;
    private string? eventFilter;
    private bool eventDefaulted;
    private bool sampleKernelUnknown;
    // Off-CPU: per thread id, its switch-outs (time, stack key) and switch-ins (time), matched by time at the end: perf
    // script prints events in time order only within its reordering window, which a loaded machine can exceed. Then the
    // switch-out being read, and each distinct stack key once.
    private readonly Dictionary<long, (List<(long Time, string Key)> Outs, List<long> Ins)>? switches;
    private readonly HashSet<string> offCpuKeySet = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> offCpuKeys;
    private long switchTid;
    private long switchTime;
    private string switchState = "";

    public PerfScriptCollapser(CollapseOptions options)
    {
        this.options = options;
        eventFilter = options.EventFilter ?? (options.OffCpu ? OffCpuEvent : null);
        switches = options.OffCpu ? [] : null;
        stackLookup = stacks.GetAlternateLookup<ReadOnlySpan<char>>();
        frameLineLookup = frameLines.GetAlternateLookup<ReadOnlySpan<char>>();
        processLookup = processNames.GetAlternateLookup<ReadOnlySpan<char>>();
        moduleLookup = modules.GetAlternateLookup<ReadOnlySpan<char>>();
        offCpuKeys = offCpuKeySet.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The tracepoint whose samples <see cref="CollapseOptions.OffCpu"/> reads.</summary>
    public const string OffCpuEvent = "sched:sched_switch";

    public long Samples { get; private set; }

    /// <summary>Lines read as part of a sample (event, frame and source lines).</summary>
    public long Recognized { get; private set; }

    public long UnrecognizedLines { get; private set; }

    /// <summary>The first few unrecognised lines, with their file and line number.</summary>
    public IReadOnlyList<(string Source, long Line, string Text)> FirstUnrecognized => unrecognized;

    /// <summary>The event counted, when the input names events.</summary>
    public string? Event => eventFilter;

    /// <summary>Whether <see cref="Event"/> is the first event met rather than one the options named.</summary>
    public bool EventWasDefaulted => eventDefaulted;

    /// <summary>Whether any counted sample's event line gave a period (otherwise weights are sample counts).</summary>
    public bool SawPeriod { get; private set; }

    /// <summary>Counted samples whose event line gave no period (each weighs 1).</summary>
    public long WithoutPeriod { get; private set; }

    /// <summary>Events met and skipped because another event was counted, with their sample counts.</summary>
    public Dictionary<string, long> SkippedEvents { get; } = new(StringComparer.Ordinal);

    /// <summary>The event counted when none was asked for and none met yet (a recording's first event).</summary>
    public void PreferEvent(string perfEvent)
    {
        if (eventFilter is null)
        {
            eventFilter = perfEvent;
            eventDefaulted = true;
            EventWasRecordedFirst = true;
        }
    }

    /// <summary>Whether <see cref="Event"/> is the recording's first event (<see cref="PreferEvent"/>) rather than the
    /// first met in the text.</summary>
    public bool EventWasRecordedFirst { get; private set; }

    /// <summary>Starts the next input (a file, or a part of one starting after line <paramref name="linesBefore"/>):
    /// the sample the previous input left open ends here.</summary>
    public void BeginSource(string name, long linesBefore = 0)
    {
        EndSample();
        source = name;
        lineInSource = linesBefore;
    }

    public void Line(ReadOnlySpan<byte> bytes)
    {
        lineInSource++;
        if (bytes.Length > chars.Length)
        {
            chars = new char[Math.Max(bytes.Length, chars.Length * 2)];
        }

        int length = Encoding.Latin1.GetChars(bytes, chars);
        var line = chars.AsSpan(0, length);
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1]; // CRLF files: the line ends before the '\r'
        }

        // perf prints a frame's source line after it (indented with spaces, frames with a tab) only when it knows it.
        if (pendingSrclines > 0 && line.Length > 0 && line[0] == '\t')
        {
            pendingSrclines = 0;
        }

        if (pendingSrclines > 0)
        {
            pendingSrclines--;
            Recognized++;
            AppendSrcline(line);
            return;
        }

        if (line.Length > 0 && line[0] == '#')
        {
            return;
        }

        if (line.Length == 0)
        {
            EndSample();
            return;
        }

        if (!IsSpace(line[0]) && TryEvent(line, requireTimestamp: false))
        {
            return;
        }

        if (IsSpace(line[0]) && TryEvent(line, requireTimestamp: true))
        {
            return;
        }

        if (TryFrame(line))
        {
            Recognized++;
            return;
        }

        UnrecognizedLines++;
        if (unrecognized.Count < MaxReported)
        {
            unrecognized.Add((source, lineInSource, line.ToString()));
        }
    }

    /// <summary>Ends the input: a last sample not followed by a blank line is counted too; off-CPU, threads still
    /// switched out are counted as not matched.</summary>
    public void Finish()
    {
        EndSample();
        if (switches is not null)
        {
            // Each switch-out ends at the thread's first switch-in at or after it, if that comes before its next switch-out.
            foreach (var (_, (outs, ins)) in switches.OrderBy(t => t.Key))
            {
                outs.Sort((x, y) => x.Time.CompareTo(y.Time));
                ins.Sort();
                int next = 0;
                for (int i = 0; i < outs.Count; i++)
                {
                    while (next < ins.Count && ins[next] < outs[i].Time)
                    {
                        next++;
                    }

                    if (next < ins.Count && (i + 1 == outs.Count || ins[next] <= outs[i + 1].Time))
                    {
                        OffCpuMatched++;
                        AddWait(outs[i].Key, outs[i].Time, ins[next]);
                    }
                    else
                    {
                        OffCpuUnmatched++;
                    }
                }
            }

            switches.Clear();
        }
    }

    /// <summary>The folded profile: every unique stack (process name at the root) with its count.</summary>
    public CollapsedProfile Profile()
    {
        // With time slices, a stack's slices share one array of its frames: sorting compares them by reference.
        var shared = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var sharedLookup = shared.GetAlternateLookup<ReadOnlySpan<char>>();
        return CollapsedProfile.Create(frames, stacks.Select(s => Stack(s.Key, s.Value, sharedLookup)));
    }

    // With time slices the key starts with the slice (two chars of 32 bits each), then the frames.
    private FoldedStack Stack(string key, long count, Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> shared)
    {
        if (options.TimeSlices <= 0)
        {
            return new FoldedStack(FromKey(key), count);
        }

        var framesKey = key.AsSpan(4);
        if (!shared.TryGetValue(framesKey, out int[]? stack))
        {
            stack = FromKey(key)[2..];
            shared[framesKey] = stack;
        }

        return new FoldedStack(stack, count, unchecked(((long)((key[0] << 16) | key[1]) << 32) | (uint)((key[2] << 16) | key[3])));
    }

    private void EndSample()
    {
        if (process < 0)
        {
            current.Clear();
            sampleKernelUnknown = false;
            return;
        }

        if (switches is not null)
        {
            current.Insert(0, frames.Add(OffCpuState(switchState), FrameKind.Label)); // the leaf: why the thread waited
        }

        int extra = options.TimeSlices > 0 ? 2 : 0;
        int needed = checked(2 * (current.Count + 1 + extra));
        if (keyBuffer.Length < needed)
        {
            keyBuffer = new char[Math.Max(needed, keyBuffer.Length * 2)];
        }

        var key = keyBuffer.AsSpan(0, needed);
        if (extra > 0)
        {
            Put(key, 0, unchecked((int)(slice >> 32)));
            Put(key, 1, unchecked((int)slice));
        }

        Put(key, extra, process);
        for (int i = 0; i < current.Count; i++)
        {
            Put(key, extra + i + 1, current[current.Count - 1 - i]); // read leaf first, stored root first
        }

        if (switches is not null)
        {
            // Off-CPU: the weight is known when the thread is switched in again.
            // One string per distinct stack, however many switch-outs have it.
            if (!offCpuKeys.TryGetValue(key, out string? known))
            {
                known = key.ToString();
                offCpuKeys.Add(known);
            }

            SwitchesOf(switchTid).Outs.Add((switchTime, known));
        }
        else
        {
            AddWeight(key, options.Weight == SampleWeight.Samples ? 1 : period);
        }

        Samples++;
        if (sampleKernelUnknown)
        {
            KernelUnknownSamples++;
        }

        current.Clear();
        process = -1;
        pendingSrclines = 0;
        sampleKernelUnknown = false;
    }

    /// <summary>Samples with a kernel frame perf could not name ("[unknown]" in [kernel.kallsyms]).</summary>
    public long KernelUnknownSamples { get; private set; }

    private void AddWeight(ReadOnlySpan<char> key, long weight)
    {
        ref long count = ref CollectionsMarshal.GetValueRefOrAddDefault(stackLookup, key, out _);
        try
        {
            total = CollapsedProfile.Add(total, weight);
        }
        catch (Common.InputException e)
        {
            throw Common.InputException.At(source, lineInSource, e.Message);
        }

        count += weight;
    }

    /// <summary>Off-CPU: switch-outs whose thread was not seen switching in again (it was still waiting when the
    /// recording ended, or the recording was not system-wide), not counted.</summary>
    public long OffCpuUnmatched { get; private set; }

    /// <summary>Off-CPU: switch-outs counted, each with the time until its thread was switched in again.</summary>
    public long OffCpuMatched { get; private set; }

    // Off-CPU, at each sched:sched_switch: the thread switched in ends its wait (its switch-out gets the time since); the
    // thread switched out starts one. False for the idle task (pid 0), which is not a thread waiting.
    private bool Switch(long? time, ReadOnlySpan<char> payload)
    {
        int arrow = payload.LastIndexOf(" ==> ", StringComparison.Ordinal);
        if (time is not { } now || arrow < 0
            || !long.TryParse(Field(payload[..arrow], "prev_pid="), out long prevPid)
            || !long.TryParse(Field(payload[arrow..], "next_pid="), out long nextPid))
        {
            throw Common.InputException.At(source, lineInSource,
                "--off-cpu needs sched:sched_switch samples with their time and fields (prev_pid=… ==> next_pid=…), as perf script prints them by default");
        }

        if (nextPid != 0)
        {
            SwitchesOf(nextPid).Ins.Add(now);
        }

        switchTid = prevPid;
        switchTime = now;
        switchState = Field(payload[..arrow], "prev_state=").ToString();
        return prevPid != 0;
    }

    private (List<(long Time, string Key)> Outs, List<long> Ins) SwitchesOf(long tid)
    {
        if (!switches!.TryGetValue(tid, out var thread))
        {
            switches[tid] = thread = ([], []);
        }

        return thread;
    }

    // A wait from start to end (ns): with time slices, each slice it spans gets the part of it in that slice (a 9 s sleep
    // is not 9 s in the 20 ms where it began).
    private void AddWait(string key, long start, long end)
    {
        if (options.Weight == SampleWeight.Samples)
        {
            AddWeight(key, 1);
            return;
        }

        if (end <= start)
        {
            return;
        }

        if (options.TimeSlices <= 0)
        {
            AddWeight(key, end - start);
            return;
        }

        Span<char> sliced = key.Length <= 1024 ? stackalloc char[key.Length] : new char[key.Length];
        key.CopyTo(sliced);
        long first = SliceOf(start), last = SliceOf(end - 1);
        for (long slice = first; slice <= last; slice++)
        {
            long from = Math.Max(start, SliceStart(slice)), to = Math.Min(end, SliceStart(slice + 1));
            Put(sliced, 0, unchecked((int)(slice >> 32)));
            Put(sliced, 1, unchecked((int)slice));
            AddWeight(sliced, to - from);
        }
    }

    private long SliceOf(long nanoseconds) => (long)((Int128)nanoseconds * options.TimeSlices / 1_000_000_000);

    private long SliceStart(long slice) => (long)(((Int128)slice * 1_000_000_000 + options.TimeSlices - 1) / options.TimeSlices);

    // The value of "name=value" in a tracepoint's payload: its last occurrence at a word's start (a comm may hold anything).
    private static ReadOnlySpan<char> Field(ReadOnlySpan<char> payload, string name)
    {
        int at = payload.Length;
        while ((at = payload[..at].LastIndexOf(name, StringComparison.Ordinal)) >= 0)
        {
            if (at == 0 || IsSpace(payload[at - 1]))
            {
                var value = payload[(at + name.Length)..];
                int end = value.IndexOfAny(PerlSpace);
                return end < 0 ? value : value[..end];
            }
        }

        return default;
    }

    /// <summary>The leaf frame of an off-CPU stack: the state the thread was switched out in (sched_switch's prev_state).</summary>
    public static string OffCpuState(string state) => (state.Length > 0 ? state[0] : '?') switch
    {
        'R' => $"[off-CPU {state}: preempted]",
        'S' => $"[off-CPU {state}: sleeping]",
        'D' => $"[off-CPU {state}: uninterruptible (disk, I/O)]",
        'T' => $"[off-CPU {state}: stopped]",
        't' => $"[off-CPU {state}: traced]",
        'I' => $"[off-CPU {state}: idle]",
        'P' => $"[off-CPU {state}: parked]",
        _ => $"[off-CPU {state}]",
    };

    // A stack key holds each frame number in two chars (high and low 16 bits): any number of distinct frames an int
    // can count, at any depth.
    private static void Put(Span<char> key, int index, int id)
    {
        // Bits, not numbers: a negative id (the slice -1 of a sample without a timestamp) is stored as it is.
        key[2 * index] = unchecked((char)((uint)id >> 16));
        key[(2 * index) + 1] = (char)(id & 0xFFFF);
    }

    private static int[] FromKey(string key)
    {
        var ids = new int[key.Length / 2];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = (key[2 * i] << 16) | key[(2 * i) + 1];
        }

        return ids;
    }

    // An event line: "comm [pid/]tid [cpu] time: [period] event:", perhaps followed by a tracepoint's payload and a frame
    // on the same line.
    private bool TryEvent(ReadOnlySpan<char> line, bool requireTimestamp)
    {
        var trimmed = line.TrimStart(PerlSpace);
        if (!TryProcess(trimmed, out var comm, out var pid, out var tid, out int afterIds))
        {
            return false;
        }

        var rest = trimmed[afterIds..];
        ReadOnlySpan<char> eventName = default, periodText = default, payload = default;
        bool named = EventAtEnd(trimmed, out eventName, out periodText);
        if (!named && TimestampEvent(rest, out eventName, out periodText, out payload))
        {
            named = true;
        }
        else if (requireTimestamp)
        {
            return false;
        }
        else if (!named && UntimedEvent(rest, out eventName, out periodText))
        {
            named = true;
        }

        bool timed = Timestamp(rest, out long seconds, out long fraction, out int digits);
        long? p = periodText.Length == 0 ? null : long.TryParse(periodText, out long parsed) ? parsed : 0;
        if (!BeginSample(named ? eventName : default, named, p, timed ? (seconds, fraction, digits) : null))
        {
            return true;
        }

        if (switches is not null && !Switch(timed ? Nanoseconds(seconds, fraction, digits) : null, payload))
        {
            process = -1; // the idle task switching out: not a thread waiting
            return true;
        }

        process = ProcessFrame(comm, pid, tid);
        isJava = comm.StartsWith("java", StringComparison.Ordinal);
        var inlineFrame = LooksLikeFrame(payload) ? payload : TrailingFrame(payload);
        if (inlineFrame.Length > 0 && !TryFrame(inlineFrame))
        {
            UnrecognizedLines++;
        }

        return true;
    }

    // What every sample starts with, from its event line or from perf.data: the sample before it ends; the event is
    // counted or skipped; its period (none: 1, as a period of 0) and time slice. False when the sample is not counted.
    private bool BeginSample(ReadOnlySpan<char> eventName, bool named, long? samplePeriod, (long Seconds, long Fraction, int Digits)? time)
    {
        // A new event line ends the sample before it even without a blank line: stacks printed on their event line, and
        // samples printed without any stack, have none.
        if (process >= 0)
        {
            EndSample();
        }

        Recognized++;
        if (named)
        {
            if (eventFilter is null)
            {
                eventFilter = eventName.ToString();
                eventDefaulted = true;
            }
            else if (!SameEvent(eventName, eventFilter))
            {
                string skipped = eventName.ToString();
                SkippedEvents[skipped] = SkippedEvents.GetValueOrDefault(skipped) + 1;
                process = -1;
                return false;
            }
        }

        period = samplePeriod is { } p && p != 0 ? p : 1;
        SawPeriod |= samplePeriod is not null;
        WithoutPeriod += samplePeriod is null ? 1 : 0;
        slice = options.TimeSlices > 0 && time is var (seconds, fraction, digits)
            ? checked((seconds * options.TimeSlices) + (long)((Int128)fraction * options.TimeSlices / Pow10(digits)))
            : -1;
        return true;
    }

    // perf's precision modifiers (":p" to ":ppp", ":P") say how precisely a sample's address was taken, not what was
    // counted: "cpu-clock:ppp" (perf record's default event where there is no cycles counter) and "cpu-clock" are one.
    private static bool SameEvent(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => WithoutPrecision(a).SequenceEqual(WithoutPrecision(b));

    private static ReadOnlySpan<char> WithoutPrecision(ReadOnlySpan<char> name)
    {
        int colon = name.LastIndexOf(':');
        return colon > 0 && colon < name.Length - 1 && !name[(colon + 1)..].ContainsAnyExcept('p', 'P') ? name[..colon] : name;
    }

    // What each frame of perf.data read natively was made into, by its name's id (by its own with --addrs, where the
    // address of an unknown symbol is shown); Java processes' frames are tidied otherwise.
    private ParsedFrames?[] nativeFrames = [];
    private (int Pid, int Tid, string? Comm, int Frame) lastThread = (-1, -1, null, -1);
    private ParsedFrames?[] nativeJavaFrames = [];

    /// <summary>
    /// One sample of a perf.data recording read natively: counted exactly as the same sample printed by perf script
    /// (<c>-F +pid,+ip,+sym,+dso,+period</c>, times in microseconds) would be, its frames made by the same rules.
    /// </summary>
    public void Sample(NativeSample sample)
    {
        ulong microseconds = sample.Time / 1000;
        if (!BeginSample(sample.Event, named: true, (long)Math.Min(sample.Period, long.MaxValue), ((long)(microseconds / 1_000_000), (long)(microseconds % 1_000_000), 6)))
        {
            return;
        }

        // Samples come in runs of one thread: its frame is named once a run.
        if (sample.Pid != lastThread.Pid || sample.Tid != lastThread.Tid || !ReferenceEquals(sample.Comm, lastThread.Comm))
        {
            Span<char> pid = stackalloc char[11], tid = stackalloc char[11];
            sample.Pid.TryFormat(pid, out int pidLength, provider: System.Globalization.CultureInfo.InvariantCulture);
            sample.Tid.TryFormat(tid, out int tidLength, provider: System.Globalization.CultureInfo.InvariantCulture);
            lastThread = (sample.Pid, sample.Tid, sample.Comm, ProcessFrame(sample.Comm, pid[..pidLength], tid[..tidLength]));
        }

        process = lastThread.Frame;
        isJava = sample.Comm.StartsWith("java", StringComparison.Ordinal);
        ref var cache = ref isJava ? ref nativeJavaFrames : ref nativeFrames;
        foreach (var frame in sample.Frames)
        {
            int id = options.Addrs ? frame.Id : frame.NameId;
            if (id >= cache.Length)
            {
                Array.Resize(ref cache, Math.Max(id + 1, cache.Length * 2));
            }

            if (cache[id] is not { } parsed)
            {
                string line = $"{frame.Address:x} {frame.Symbol ?? "[unknown]"} ({frame.Module ?? "[unknown]"})";
                int wordEnd = line.IndexOf(' ', StringComparison.Ordinal);
                if (!ParseFrameLine(line, 0, wordEnd, out parsed))
                {
                    parsed = new ParsedFrames([], false);
                    UnrecognizedLines++;
                }

                cache[id] = parsed;
            }

            Recognized++;
            sampleKernelUnknown |= parsed.KernelUnknown;
            for (int i = parsed.Ids.Length - 1; i >= 0; i--)
            {
                current.Add(parsed.Ids[i]);
            }
        }

        EndSample();
    }

    // A timestamp as nanoseconds (perf prints 6 digits, 9 with --ns).
    private static long Nanoseconds(long seconds, long fraction, int digits) =>
        checked((seconds * 1_000_000_000) + (digits <= 9 ? fraction * Pow10(9 - digits) : fraction / Pow10(digits - 9)));

    // A tracepoint's payload printed with the sample's ip on the same line, as perf does without call graphs:
    // "prev_comm=a prev_pid=1 … next_prio=120 ffffffff82248208 __schedule+0x628 ([kernel.kallsyms])": the frame is the
    // last whitespace-separated hex number followed by a symbol and "(module)" that ends the line.
    private static ReadOnlySpan<char> TrailingFrame(ReadOnlySpan<char> payload)
    {
        var text = payload.TrimEnd(PerlSpace);
        int open = text.LastIndexOf(" (", StringComparison.Ordinal);
        if (text.Length == 0 || text[^1] != ')' || open < 0)
        {
            return default;
        }

        for (int i = open - 1; i > 0; i--)
        {
            if (!IsSpace(text[i - 1]))
            {
                continue;
            }

            int j = i;
            while (j < open && char.IsAsciiHexDigit(text[j]))
            {
                j++;
            }

            if (j > i && j < open && IsSpace(text[j]) && text[(j + 1)..open].Trim(PerlSpace).Length > 0)
            {
                return text[i..];
            }
        }

        return default;
    }

    // "comm pid[/tid] ". A command name may hold spaces and numbers ("worker 3", set by prctl or pthread_setname_np), so
    // the ids are those the time follows ("[cpu] 12345.678901:"); on a line without a time, as stackcollapse-perf.pl's
    // /^(\S.+?)\s+(\d+)\/*(\d+)*\s+/ reads it: the shortest comm followed by whitespace, digits, slashes, digits and
    // whitespace (whose ".+?" made a one-character comm "p " of "p 12/12").
    private static bool TryProcess(ReadOnlySpan<char> line, out ReadOnlySpan<char> comm, out ReadOnlySpan<char> pid, out ReadOnlySpan<char> tid, out int end)
    {
        comm = pid = tid = default;
        end = 0;
        if (line.Length < 4 || IsSpace(line[0]))
        {
            return false;
        }

        bool found = false;
        for (int p = 1; p < line.Length; p++)
        {
            if (!IsSpace(line[p]))
            {
                continue;
            }

            int i = p;
            while (i < line.Length && IsSpace(line[i]))
            {
                i++;
            }

            // perf prints -1 for an id it lost (a thread that exited: ":-1 18714/-1").
            int digits = i;
            i = SkipNumber(line, i);
            if (i == digits)
            {
                continue;
            }

            int firstEnd = i;
            while (i < line.Length && line[i] == '/')
            {
                i++;
            }

            int second = i;
            i = SkipNumber(line, i);

            if (i >= line.Length || !IsSpace(line[i]))
            {
                continue;
            }

            bool timed = TimeFollows(line[i..]);
            if (!found || timed)
            {
                comm = line[..p];
                pid = line[digits..firstEnd];
                tid = line[second..i];
                end = i;
                found = true;
            }

            if (timed)
            {
                return true;
            }
        }

        return found;
    }

    // Whether ids are followed by the sample's time: whitespace, perhaps "[cpu]" and whitespace, then "digits.digits:".
    private static bool TimeFollows(ReadOnlySpan<char> rest)
    {
        if (!AfterCpu(rest, out rest))
        {
            return false;
        }

        int i = 0;
        while (i < rest.Length && char.IsAsciiDigit(rest[i]))
        {
            i++;
        }

        if (i == 0 || i >= rest.Length || rest[i] != '.')
        {
            return false;
        }

        int j = ++i;
        while (i < rest.Length && char.IsAsciiDigit(rest[i]))
        {
            i++;
        }

        return i > j && i < rest.Length && rest[i] == ':';
    }

    private static int SkipNumber(ReadOnlySpan<char> line, int i)
    {
        int start = i < line.Length - 1 && line[i] == '-' && char.IsAsciiDigit(line[i + 1]) ? i + 1 : i;
        int end = start;
        while (end < line.Length && char.IsAsciiDigit(line[end]))
        {
            end++;
        }

        return end == start ? i : end;
    }

    // stackcollapse-perf.pl's /:\s*(\d+)*\s+(\S+):\s*$/: the line ends in "event:" preceded by an optional period and a ':'.
    private static bool EventAtEnd(ReadOnlySpan<char> line, out ReadOnlySpan<char> eventName, out ReadOnlySpan<char> periodText)
    {
        eventName = periodText = default;
        var trimmed = line.TrimEnd(PerlSpace);
        if (trimmed.Length < 2 || trimmed[^1] != ':')
        {
            return false;
        }

        int tokenStart = trimmed[..^1].LastIndexOfAny(PerlSpace) + 1;
        if (tokenStart == 0 || tokenStart >= trimmed.Length - 1)
        {
            return false;
        }

        int i = tokenStart;
        int wsEnd = i;
        while (i > 0 && IsSpace(trimmed[i - 1]))
        {
            i--;
        }

        if (i == wsEnd)
        {
            return false;
        }

        int digitsEnd = i;
        while (i > 0 && char.IsAsciiDigit(trimmed[i - 1]))
        {
            i--;
        }

        int digitsStart = i;
        while (i > 0 && IsSpace(trimmed[i - 1]))
        {
            i--;
        }

        if (i == 0 || trimmed[i - 1] != ':')
        {
            return false;
        }

        eventName = trimmed[tokenStart..^1];
        periodText = trimmed[digitsStart..digitsEnd];
        return true;
    }

    // What follows the ids after whitespace and a "[cpu]", if any; false for a '[' never closed.
    private static bool AfterCpu(ReadOnlySpan<char> rest, out ReadOnlySpan<char> after)
    {
        after = rest.TrimStart(PerlSpace);
        if (after.Length > 0 && after[0] == '[')
        {
            int close = after.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            after = after[(close + 1)..].TrimStart(PerlSpace);
        }

        return true;
    }

    // The line of a recording without times (perf record --per-thread): after the ids, only "[cpu] [period] event:".
    // Perl's /:\s*(\d+)*\s+(\S+):\s*$/ wants the time's ':' before them, so it weighed such samples 1 each and
    // filtered no event.
    private static bool UntimedEvent(ReadOnlySpan<char> rest, out ReadOnlySpan<char> eventName, out ReadOnlySpan<char> periodText)
    {
        eventName = periodText = default;
        if (!AfterCpu(rest.TrimEnd(PerlSpace), out var text))
        {
            return false;
        }

        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits > 0)
        {
            if (digits == text.Length || !IsSpace(text[digits]))
            {
                return false;
            }

            periodText = text[..digits];
            text = text[digits..].TrimStart(PerlSpace);
        }

        if (text.Length < 2 || text[^1] != ':' || text.IndexOfAny(PerlSpace) >= 0)
        {
            return false;
        }

        eventName = text[..^1];
        return true;
    }

    // After the ids: "[cpu] time: [period] event: rest", where rest is a tracepoint's payload or a frame printed on the
    // event line. Only used where the line does not simply end with "event:".
    private static bool TimestampEvent(ReadOnlySpan<char> rest, out ReadOnlySpan<char> eventName, out ReadOnlySpan<char> periodText, out ReadOnlySpan<char> payload)
    {
        eventName = periodText = payload = default;
        int colon = -1;
        for (int i = 1; i < rest.Length - 1; i++)
        {
            // the timestamp "12345.678901:" then whitespace
            if (rest[i] == ':' && char.IsAsciiDigit(rest[i - 1]) && IsSpace(rest[i + 1]))
            {
                int j = i - 1;
                while (j > 0 && char.IsAsciiDigit(rest[j - 1]))
                {
                    j--;
                }

                if (j > 0 && rest[j - 1] == '.')
                {
                    colon = i;
                    break;
                }
            }
        }

        if (colon < 0)
        {
            return false;
        }

        var after = rest[(colon + 1)..].TrimStart(PerlSpace);
        int digits = 0;
        while (digits < after.Length && char.IsAsciiDigit(after[digits]))
        {
            digits++;
        }

        if (digits > 0 && digits < after.Length && IsSpace(after[digits]))
        {
            periodText = after[..digits];
            after = after[digits..].TrimStart(PerlSpace);
        }

        for (int i = 0; i < after.Length; i++)
        {
            if (IsSpace(after[i]))
            {
                return false;
            }

            if (after[i] == ':' && i > 0 && (i + 1 == after.Length || IsSpace(after[i + 1])))
            {
                eventName = after[..i];
                payload = after[(i + 1)..].TrimStart(PerlSpace);
                return true;
            }
        }

        return false;
    }

    // The sample's time, "12345.678901:" after the ids and cpu: whole seconds, and the fraction's digits.
    private static bool Timestamp(ReadOnlySpan<char> rest, out long seconds, out long fraction, out int digits)
    {
        seconds = fraction = 0;
        digits = 0;
        for (int i = 1; i < rest.Length; i++)
        {
            if (rest[i] != ':' || !char.IsAsciiDigit(rest[i - 1]))
            {
                continue;
            }

            int j = i - 1;
            while (j > 0 && char.IsAsciiDigit(rest[j - 1]))
            {
                j--;
            }

            if (j == 0 || rest[j - 1] != '.' || i - j > 18)
            {
                continue;
            }

            int k = j - 1;
            while (k > 0 && char.IsAsciiDigit(rest[k - 1]))
            {
                k--;
            }

            if (k == j - 1 || j - 1 - k > 15 || (k > 0 && !IsSpace(rest[k - 1])))
            {
                continue;
            }

            seconds = long.Parse(rest[k..(j - 1)], System.Globalization.CultureInfo.InvariantCulture);
            fraction = long.Parse(rest[j..i], System.Globalization.CultureInfo.InvariantCulture);
            digits = i - j;
            return true;
        }

        return false;
    }

    private static long Pow10(int digits)
    {
        long value = 1;
        for (int i = 0; i < digits; i++)
        {
            value *= 10;
        }

        return value;
    }

    // "7fa68b1f2d84 _dl_start+0x4 (/usr/lib/ld-2.31.so)": a hex address, then a symbol and a module in parentheses.
    private static bool LooksLikeFrame(ReadOnlySpan<char> text)
    {
        int hex = 0;
        while (hex < text.Length && char.IsAsciiHexDigit(text[hex]))
        {
            hex++;
        }

        return hex > 0 && hex < text.Length && IsSpace(text[hex]) && text.TrimEnd(PerlSpace).EndsWith(')');
    }

    private int ProcessFrame(ReadOnlySpan<char> comm, ReadOnlySpan<char> pid, ReadOnlySpan<char> tid)
    {
        // Default perf script prints the TID alone; "pid/tid" has both. A TID of 0 (swapper) is a TID all the same.
        bool both = tid.Length > 0;
        var shownPid = both ? pid : "?";
        var shownTid = both ? tid : pid;
        // The length comes from the input (a command name of millions of characters): the stack holds short ones only.
        int length = comm.Length + shownPid.Length + shownTid.Length + 2;
        Span<char> name = length <= 512 ? stackalloc char[length] : new char[length];
        name = name[..FrameNames.ThreadName(comm, shownPid, shownTid, options, name)];
        if (processLookup.TryGetValue(name, out int id))
        {
            return id;
        }

        string text = name.ToString();
        id = frames.AddThread(text, new TraceThread(comm.ToString(), both ? pid.ToString() : "?", shownTid.ToString()));
        processNames[text] = id;
        return id;
    }

    // Unknown: a frame of an unknown module; KernelUnknown: a kernel frame perf could not name (kptr_restrict).
    private readonly record struct ParsedFrames(int[] Ids, bool Unknown, bool KernelUnknown = false);

    // A frame line: "addr symbol (module)", parsed as /^\s*(\w+)\s*(.+) \((.*)\)/ does.
    private bool TryFrame(ReadOnlySpan<char> line)
    {
        int start = 0;
        while (start < line.Length && IsSpace(line[start]))
        {
            start++;
        }

        int wordEnd = start;
        while (wordEnd < line.Length && IsWord(line[wordEnd]))
        {
            wordEnd++;
        }

        if (wordEnd == start)
        {
            return false;
        }

        if (process < 0)
        {
            // A frame of a filtered sample (or before any event line): recognised if it has a frame's shape, not counted.
            return line.IndexOf(" (", StringComparison.Ordinal) > wordEnd - 1 && line.LastIndexOf(')') > 0;
        }

        // The key: the line from the address on, and whether the process is Java (which changes tidying). The address
        // matters only with --addrs; without it, the same symbol at any address is the same frame line.
        // Nor does the symbol's offset ("+0x1f"), which perf prints per sample: keeping it would make a frame line per
        // address rather than per function, and the cache would grow with the samples.
        var keyText = options.Addrs ? line[start..] : line[wordEnd..];
        var offset = options.Addrs ? default : OffsetOf(keyText);
        int keyLength = keyText.Length + 1 - offset.Length;
        if (keyBuffer.Length < keyLength)
        {
            keyBuffer = new char[keyLength * 2];
        }

        var key = keyBuffer.AsSpan(0, keyLength);
        key[0] = isJava ? 'J' : '-';
        if (offset.Length == 0)
        {
            keyText.CopyTo(key[1..]);
        }
        else
        {
            keyText[..offset.Start].CopyTo(key[1..]);
            keyText[offset.End..].CopyTo(key[(1 + offset.Start)..]);
        }
        if (!frameLineLookup.TryGetValue(key, out var parsed))
        {
            if (!ParseFrameLine(line, start, wordEnd, out parsed))
            {
                return false;
            }

            frameLines[key.ToString()] = parsed;
        }

        sampleKernelUnknown |= parsed.KernelUnknown;

        // Perl pushes a chain "a->b" so that a ends up nearest the root.
        for (int i = parsed.Ids.Length - 1; i >= 0; i--)
        {
            current.Add(parsed.Ids[i]);
        }

        if (options.Srcline && !parsed.Unknown && parsed.Ids.Length > 0)
        {
            // One source line follows per frame of the chain, in chain order: the first belongs to the frame added last.
            pendingSrclines = parsed.Ids.Length;
            srclineTarget = current.Count - 1;
        }

        return true;
    }

    // Where "+0x<hex>" ends the symbol, just before " (module)", in "  sym+0x1f (module)"; empty when there is none.
    private static (int Start, int End, int Length) OffsetOf(ReadOnlySpan<char> text)
    {
        int open = text.LastIndexOf(" (", StringComparison.Ordinal);
        // Back over the hex digits before the module, then "+0x": a few chars, not a search of the whole symbol.
        int i = open - 1;
        while (i >= 0 && char.IsAsciiHexDigitLower(text[i]))
        {
            i--;
        }

        return i >= 2 && i < open - 1 && text[i] == 'x' && text[i - 1] == '0' && text[i - 2] == '+' ? (i - 2, open, open - i + 2) : default;
    }

    private bool ParseFrameLine(ReadOnlySpan<char> line, int start, int wordEnd, out ParsedFrames parsed)
    {
        parsed = default;
        var body = line;
        // "(/tmp/x.so (deleted))": the module is /tmp/x.so; the marker is not part of its name.
        const string Deleted = " (deleted))";
        bool deleted = body.TrimEnd(PerlSpace).EndsWith(Deleted, StringComparison.Ordinal);
        if (deleted)
        {
            var trimmed = body.TrimEnd(PerlSpace);
            body = string.Concat(trimmed[..^Deleted.Length], ")");
        }

        int open = -1;
        int close = body.LastIndexOf(')');
        for (int p = body.Length - 2; p >= 0; p--)
        {
            if (body[p] == ' ' && body[p + 1] == '(' && close >= p + 2)
            {
                open = p;
                break;
            }
        }

        if (open < 0)
        {
            // perf 6 with -F +srcline prints an inlined frame without its module ("1087 work+0x37"); the source line after
            // it ends in "(inlined)".
            if (!options.Srcline || wordEnd == body.Length)
            {
                return false;
            }

            body = string.Concat(body.TrimEnd(PerlSpace), " (inlined)");
            close = body.Length - 1;
            open = close - "(inlined)".Length;
        }

        int symbolStart = wordEnd;
        while (symbolStart < body.Length && IsSpace(body[symbolStart]))
        {
            symbolStart++;
        }

        symbolStart = Math.Min(symbolStart, open - 1);
        int pcEnd = Math.Min(wordEnd, symbolStart);
        if (symbolStart < start + 1)
        {
            return false;
        }

        var pc = body[start..pcEnd];
        var raw = body[symbolStart..open];
        var module = body[(open + 2)..close];
        raw = StripOffset(raw);
        if (raw.Length > 0 && raw[0] == '(' && raw.IndexOf(')') == raw.Length - 1)
        {
            // A process name in parentheses: skipped. Not a C++ name that starts with one ("(anonymous namespace)::f"),
            // which stackcollapse-perf.pl dropped, giving its time to the caller.
            parsed = new ParsedFrames([], false);
            return true;
        }

        var parts = SplitChain(raw.ToString());
        var ids = new int[parts.Count];
        bool unknown = false;
        for (int i = 0; i < parts.Count; i++)
        {
            var (text, kind) = Tidy(parts[i], module, pc, inlined: i > 0, ref unknown);
            ids[i] = frames.Add(text, kind, Module(module));
        }

        parsed = new ParsedFrames(ids, unknown, parts.Count == 1 && parts[0] == "[unknown]" && FrameNames.IsKernelModule(module));
        return true;
    }

    // Perl's split /->/: a trailing empty field is dropped, a leading one kept.
    private static List<string> SplitChain(string raw)
    {
        if (!raw.Contains("->", StringComparison.Ordinal))
        {
            return raw.Length == 0 ? [] : [raw]; // almost every frame: no chain to split
        }

        var parts = raw.Split("->").ToList();
        while (parts.Count > 0 && parts[^1].Length == 0)
        {
            parts.RemoveAt(parts.Count - 1);
        }

        return parts;
    }

    // "+0x1f" at the end (perf 4.8+ prints symbol offsets) is not part of the name.
    private static ReadOnlySpan<char> StripOffset(ReadOnlySpan<char> raw)
    {
        int plus = raw.LastIndexOf("+0x", StringComparison.Ordinal);
        if (plus < 0 || plus + 3 >= raw.Length)
        {
            return raw;
        }

        foreach (char c in raw[(plus + 3)..])
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return raw;
            }
        }

        return raw[..plus];
    }

    private (string Text, FrameKind Kind) Tidy(string func, ReadOnlySpan<char> module, ReadOnlySpan<char> pc, bool inlined, ref bool unknown)
    {
        var kind = FrameKind.User;
        if (func == "[unknown]")
        {
            if (!module.SequenceEqual("[unknown]"))
            {
                func = module[(module.LastIndexOf('/') + 1)..].ToString();
            }
            else
            {
                func = "unknown";
                unknown = true;
                kind = FrameKind.Unknown;
            }

            func = options.Addrs ? $"[{func} <{pc}>]" : $"[{func}]";
        }

        func = FrameNames.Tidy(func);
        if (isJava && func.Contains('/', StringComparison.Ordinal) && func.StartsWith('L'))
        {
            func = func[1..];
        }

        // stackcollapse-perf.pl's rule for _[k] ([vdso] is marked too), kept for byte-identical output; the kind is the kernel's own.
        bool kernelModule = (module.StartsWith("[") || module.EndsWith("vmlinux")) && !module.Contains("unknown", StringComparison.Ordinal);
        bool jitModule = FrameNames.IsPerfMap(module) || FrameNames.IsJitDump(module);
        if (inlined || module.SequenceEqual("inlined"))
        {
            kind = FrameKind.Inlined;
        }
        else if (FrameNames.IsKernelModule(module))
        {
            kind = FrameKind.Kernel;
        }
        else if (jitModule)
        {
            kind = FrameKind.Jit;
        }

        if (inlined)
        {
            if (!func.Contains("_[i]", StringComparison.Ordinal))
            {
                func += "_[i]";
            }
        }
        else if (options.Kernel && kernelModule)
        {
            func += "_[k]";
        }
        else if (options.Jit && jitModule && !func.Contains("_[j]", StringComparison.Ordinal))
        {
            func += "_[j]";
        }

        return (func, kind);
    }

    // perf script -F +srcline: the line after a frame is its source location, e.g. "  file.cpp:137" or "  libc.so[27b25]".
    private void AppendSrcline(ReadOnlySpan<char> line)
    {
        var trimmed = line.TrimEnd(PerlSpace);
        if (trimmed.EndsWith(" (inlined)", StringComparison.Ordinal))
        {
            trimmed = trimmed[..^" (inlined)".Length];
        }

        var text = FrameNames.Srcline(trimmed);
        int index = srclineTarget--;
        if (text.Length == 0 || index < 0 || index >= current.Count)
        {
            return;
        }

        int id = current[index];
        current[index] = frames.Add($"{frames.Text(id)}:{text}", frames.Kind(id), frames.Module(id));
    }

    private string Module(ReadOnlySpan<char> module)
    {
        if (!moduleLookup.TryGetValue(module, out string? known))
        {
            known = module.ToString();
            modules.Add(known);
        }

        return known;
    }

    private static readonly SearchValues<char> PerlSpaceValues = SearchValues.Create(" \t\n\r\f\v");

    private static ReadOnlySpan<char> PerlSpace => " \t\n\r\f\v";

    private static bool IsSpace(char c) => PerlSpaceValues.Contains(c);

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
