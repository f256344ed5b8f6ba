namespace Kashika.Core.Trace;

/// <summary>One unique stack: frame numbers from the root (the process name) to the leaf, and its weight; with
/// <see cref="CollapseOptions.TimeSlices"/>, one per time slice it was sampled in (<see cref="Slice"/>, else -1).</summary>
public sealed record FoldedStack(int[] Frames, long Count, long Slice = -1);

/// <summary>
/// What a profile's weights are, as pprof names it (sample type and unit), and the perf event they come from: the one
/// owner of the unit, read by every export (pprof's sample type) and the page (<see cref="TraceUnit"/>).
/// </summary>
public sealed record SampleMeasure(string Type, string Unit, string? Event = null)
{
    /// <summary>Folded stacks' numbers: whatever made the file counted them.</summary>
    public static SampleMeasure Count { get; } = new("count", "count");

    /// <summary>Off-CPU time: nanoseconds from a thread's switch-out to its switch-in.</summary>
    public static SampleMeasure OffCpu { get; } = new("off-cpu", "nanoseconds", "sched:sched_switch");

    /// <summary>One per sample (of an event, when the input names one).</summary>
    public static SampleMeasure SamplesOf(string? perfEvent) => new("samples", "count", perfEvent);

    /// <summary>An event's periods: perf's software clocks count nanoseconds, other events their own occurrences. perf's
    /// modifiers ("cpu-clock:pppH", "cycles:u") say how it sampled, not what it counted: the type is the bare event.</summary>
    public static SampleMeasure Period(string perfEvent)
    {
        // A tracepoint ("sched:sched_switch") keeps its subsystem: both are its name.
        string[] parts = perfEvent.Split(':');
        string name = parts.Length > 1 && parts[1].Length > 0 && !IsModifier(parts[1]) ? $"{parts[0]}:{parts[1]}" : parts[0];

        return new(name, name is "cpu-clock" or "task-clock" ? "nanoseconds" : "count", perfEvent);
    }

    // perf's event modifiers: u k h H G p pp ppp P S D I W e b (in any combination).
    private static bool IsModifier(string text) => text.Length > 0 && text.All(c => "ukhHGpPSDIWeb".Contains(c, StringComparison.Ordinal));
}

/// <summary>
/// Folded stacks in the order the folded format prints them (byte order of "frame;frame;…"), over one frame table.
/// Every trace output (folded, call tree, speedscope, the original d3trace, the trace page) is written from this.
/// </summary>
public sealed class CollapsedProfile
{
    private CollapsedProfile(FrameTable frames, IReadOnlyList<FoldedStack> stacks)
    {
        Frames = frames;
        Stacks = stacks;
    }

    public FrameTable Frames { get; }

    /// <summary>What the weights measure: samples, or an event's period (pprof's sample type).</summary>
    public SampleMeasure Measure { get; private init; } = SampleMeasure.Count;

    public CollapsedProfile WithMeasure(SampleMeasure measure) => new(Frames, Stacks) { Measure = measure };

    /// <summary>Every stack under the labels given ("host=web1"), as its first frames (<see cref="FrameKind.Label"/>).</summary>
    public CollapsedProfile WithLabels(IReadOnlyList<string> labels)
    {
        if (labels.Count == 0)
        {
            return this;
        }

        int[] roots = [.. labels.Select(l => Frames.Add(l, FrameKind.Label))];
        return Create(Frames, Stacks.Select(s => s with { Frames = [.. roots, .. s.Frames] })).WithMeasure(Measure);
    }

    public IReadOnlyList<FoldedStack> Stacks { get; }

    public long Total => Stacks.Sum(s => s.Count);

    public string Folded(FoldedStack stack) => string.Join(';', stack.Frames.Select(Frames.Text));

    public static CollapsedProfile Create(FrameTable frames, IEnumerable<(int[] Frames, long Count)> stacks) =>
        Create(frames, stacks.Select(s => new FoldedStack(s.Frames, s.Count)));

    /// <exception cref="Common.InputException">The weights add up past 2^63 − 1: no total, share or tree could hold them.</exception>
    public static CollapsedProfile Create(FrameTable frames, IEnumerable<FoldedStack> stacks)
    {
        var list = stacks.ToList();
        long total = 0;
        foreach (var stack in list)
        {
            total = Add(total, stack.Count);
        }

        return new CollapsedProfile(frames, Sorted(frames, list));
    }

    // The byte order of the folded lines, then time. A stack's time slices share one frames array, so the distinct
    // arrays are sorted (compared without building lines: chars are bytes, so this is Perl's order), then the entries
    // by their array's rank and slice.
    private static FoldedStack[] Sorted(FrameTable frames, List<FoldedStack> list)
    {
        var groupOf = new int[list.Count];
        var groups = new Dictionary<int[], int>(ReferenceEqualityComparer.Instance);
        var distinct = new List<int[]>();
        for (int i = 0; i < list.Count; i++)
        {
            if (!groups.TryGetValue(list[i].Frames, out int group))
            {
                groups[list[i].Frames] = group = distinct.Count;
                distinct.Add(list[i].Frames);
            }

            groupOf[i] = group;
        }

        var order = new FoldedOrder(frames);
        var byText = Enumerable.Range(0, distinct.Count).ToArray();
        Array.Sort(byText, (a, b) => order.Compare(distinct[a], distinct[b]));
        var rank = new int[distinct.Count];
        for (int r = 0, value = 0; r < byText.Length; r++)
        {
            // Equal stacks in arrays of their own (merged inputs) share a rank, so their slices interleave by time.
            value += r > 0 && order.Compare(distinct[byText[r - 1]], distinct[byText[r]]) != 0 ? 1 : 0;
            rank[byText[r]] = value;
        }

        // Entries placed by rank (a counting sort, stable), then each stack's entries ordered by slice where they are not.
        var start = new int[rank.Length == 0 ? 1 : rank.Max() + 2];
        foreach (int group in groupOf)
        {
            start[rank[group] + 1]++;
        }

        for (int r = 1; r < start.Length; r++)
        {
            start[r] += start[r - 1];
        }

        var sorted = new FoldedStack[list.Count];
        var next = (int[])start.Clone();
        for (int i = 0; i < list.Count; i++)
        {
            sorted[next[rank[groupOf[i]]]++] = list[i];
        }

        for (int r = 0; r + 1 < start.Length; r++)
        {
            var run = sorted.AsSpan(start[r], start[r + 1] - start[r]);
            for (int i = 1; i < run.Length; i++)
            {
                if (run[i].Slice < run[i - 1].Slice)
                {
                    SortBySlice(run);
                    break;
                }
            }
        }

        return sorted;
    }

    // Stable (OrderBy): entries of one stack and slice (merged inputs) keep their order.
    private static void SortBySlice(Span<FoldedStack> run) => run.ToArray().OrderBy(s => s.Slice).ToArray().CopyTo(run);

    /// <summary>A sum of weights, which a profile's total must hold.</summary>
    /// <exception cref="Common.InputException">It passes 2^63 − 1.</exception>
    public static long Add(long sum, long weight)
    {
        try
        {
            return checked(sum + weight);
        }
        catch (OverflowException)
        {
            throw new Common.InputException("the samples' weights add up past 2^63 − 1 (9,223,372,036,854,775,807): too heavy a profile to sum");
        }
    }

    /// <summary>Sums profiles folded separately (each over its own frame table) into one.</summary>
    public static CollapsedProfile Merge(IEnumerable<CollapsedProfile> parts)
    {
        var frames = new FrameTable();
        var sums = new Dictionary<(int[] Frames, long Slice), long>(FrameSequence.Comparer);
        foreach (var part in parts)
        {
            // Each of the part's frames is looked up once; its stacks are then renumbered, never turned into text.
            var renumber = new int[part.Frames.Count];
            for (int f = 0; f < renumber.Length; f++)
            {
                renumber[f] = part.Frames.Thread(f) is { } thread
                    ? frames.AddThread(part.Frames.Text(f), thread)
                    : frames.Add(part.Frames.Text(f), part.Frames.Kind(f), part.Frames.Module(f));
            }

            foreach (var stack in part.Stacks)
            {
                var key = (Array.ConvertAll(stack.Frames, f => renumber[f]), stack.Slice);
                sums[key] = Add(sums.GetValueOrDefault(key), stack.Count);
            }
        }

        return Create(frames, sums.Select(s => new FoldedStack(s.Key.Frames, s.Value, s.Key.Slice)));
    }

    /// <summary>Whether text looks like folded stacks rather than perf script output: its first line ends in " count".</summary>
    public static bool LooksFolded(ReadOnlySpan<byte> firstLine)
    {
        var line = firstLine.TrimEnd("\r"u8);
        int space = line.LastIndexOf((byte)' ');
        if (space <= 0 || space == line.Length - 1 || line[0] is (byte)' ' or (byte)'\t')
        {
            return false;
        }

        foreach (byte b in line[(space + 1)..])
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Orders stacks as their folded lines "a;b;c" compare ordinally, frame texts read in place.</summary>
    private sealed class FoldedOrder
    {
        private readonly FrameTable frames;
        private readonly int[] rank; // each frame's place in the ordinal order of all frame texts
        private readonly bool[] prefix; // whether a frame's text is a proper prefix of another frame's text

        public FoldedOrder(FrameTable frames)
        {
            this.frames = frames;
            var byText = Enumerable.Range(0, frames.Count).ToArray();
            Array.Sort(byText, (x, y) => string.CompareOrdinal(frames.Text(x), frames.Text(y)));
            rank = new int[byText.Length];
            prefix = new bool[byText.Length];
            for (int r = 0; r < byText.Length; r++)
            {
                rank[byText[r]] = r;
                // A text that is a prefix of another is followed, in this order, by one that starts with it.
                prefix[byText[r]] = r + 1 < byText.Length && frames.Text(byText[r + 1]).StartsWith(frames.Text(byText[r]), StringComparison.Ordinal);
            }
        }

        public int Compare(int[] a, int[] b)
        {
            if (ReferenceEquals(a, b))
            {
                return 0;
            }

            int i = 0;
            while (i < a.Length && i < b.Length && a[i] == b[i])
            {
                i++;
            }

            if (i == a.Length || i == b.Length)
            {
                return a.Length.CompareTo(b.Length); // one is the other's prefix: the shorter line ends first
            }

            // Texts of which neither is a prefix of the other compare as their ranks do; only prefixes need what follows.
            if (!prefix[a[i]] && !prefix[b[i]])
            {
                return rank[a[i]].CompareTo(rank[b[i]]);
            }

            string x = frames.Text(a[i]), y = frames.Text(b[i]);
            int common = Math.Min(x.Length, y.Length);
            int differ = x.AsSpan(0, common).CommonPrefixLength(y.AsSpan(0, common));
            if (differ < common)
            {
                return x[differ].CompareTo(y[differ]);
            }

            // One text is a prefix of the other: what follows the shorter is ';' (more frames) or the end of the line.
            int afterX = x.Length > common ? x[common] : i + 1 < a.Length ? ';' : -1;
            int afterY = y.Length > common ? y[common] : i + 1 < b.Length ? ';' : -1;
            return afterX != afterY ? afterX.CompareTo(afterY) : string.CompareOrdinal(Line(a, i), Line(b, i));
        }

        // Only where a frame's own text holds a ';' does the order need the lines themselves.
        private string Line(int[] stack, int from) => string.Join(';', stack.Skip(from).Select(frames.Text));
    }
}

/// <summary>Frame-number sequences (with a time slice) as dictionary keys, compared by content.</summary>
public sealed class FrameSequence : IEqualityComparer<(int[] Frames, long Slice)>
{
    public static FrameSequence Comparer { get; } = new();

    public bool Equals((int[] Frames, long Slice) x, (int[] Frames, long Slice) y) => x.Slice == y.Slice && x.Frames.AsSpan().SequenceEqual(y.Frames);

    public int GetHashCode((int[] Frames, long Slice) key)
    {
        var hash = new HashCode();
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(key.Frames.AsSpan()));
        hash.Add(key.Slice);
        return hash.ToHashCode();
    }
}
