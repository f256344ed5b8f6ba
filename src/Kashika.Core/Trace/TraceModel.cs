using System.Globalization;

namespace Kashika.Core.Trace;

/// <summary>What a profile's weights are: samples, a count from folded input, or an event's period in its unit.</summary>
/// <param name="Weight">"samples", "count" (folded input) or "period".</param>
/// <param name="Event">The event counted, when the input names it.</param>
/// <param name="Label">The unit as the page shows it ("samples", "ms of cpu-clock", "cycles").</param>
/// <param name="Scale">What one weight is in that unit (cpu-clock periods are nanoseconds, shown as ms: 1e-6).</param>
public sealed record TraceUnit(string Weight, string? Event, string Label, double Scale)
{
    /// <summary>The unit of a profile read with <paramref name="weight"/>: never periods called samples.</summary>
    public static TraceUnit Of(SampleWeight weight, bool folded, bool sawPeriod, string? eventName)
    {
        if (folded)
        {
            return new TraceUnit("count", null, "count", 1);
        }

        if (weight == SampleWeight.Samples || !sawPeriod)
        {
            return new TraceUnit("samples", eventName, eventName is null ? "samples" : $"samples of {eventName}", 1);
        }

        // Software clock events count nanoseconds; hardware events count their own occurrences. perf's modifiers
        // ("cpu-clock:pppH", "cycles:u") say how it sampled, not what: the unit is the bare event.
        string bare = eventName?.Split(':')[0] ?? "";
        return bare is "cpu-clock" or "task-clock"
            ? new TraceUnit("period", eventName, $"ms of {bare}", 1e-6)
            : new TraceUnit("period", eventName, bare.Length > 0 ? bare : "period", 1);
    }
}

/// <summary>A process's thread, as the samples name it (pid is "?" when perf printed the thread id alone).</summary>
public sealed record TraceThread(string Comm, string Pid, string Tid);

/// <summary>
/// A profile as the trace page needs it: frames (name, module, kind), threads, the call tree shared by all threads as a
/// table of nodes, and each distinct (thread, stack) with its weight and, when the input has timestamps, its weight per
/// time slice. The page filters, transforms and redraws from this without going back to the input.
/// </summary>
public sealed class TraceModel
{
    public required IReadOnlyList<string> FrameNames { get; init; }

    public required IReadOnlyList<int> FrameModules { get; init; }

    public required IReadOnlyList<FrameKind> FrameKinds { get; init; }

    public required IReadOnlyList<string> Modules { get; init; }

    public required IReadOnlyList<TraceThread> Threads { get; init; }

    /// <summary>The parent of each node (node 0 is the root, parent -1).</summary>
    public required IReadOnlyList<int> NodeParents { get; init; }

    /// <summary>The frame of each node (-1 for the root).</summary>
    public required IReadOnlyList<int> NodeFrames { get; init; }

    public required IReadOnlyList<int> StackThreads { get; init; }

    /// <summary>The node each stack ends in (its leaf).</summary>
    public required IReadOnlyList<int> StackNodes { get; init; }

    public required IReadOnlyList<long> StackWeights { get; init; }

    /// <summary>The time slices, when samples had timestamps; else null.</summary>
    public required TraceTime? Time { get; init; }

    public long Total => StackWeights.Sum();

    /// <summary>Builds the model of a profile folded with <see cref="CollapseOptions.Tid"/> (so each stack's root frame
    /// is "comm-pid/tid"), or of folded input (root frame: the process name).</summary>
    public static TraceModel Build(CollapsedProfile profile, bool threadNames, int slicesPerSecond)
    {
        var frames = profile.Frames;
        var modules = new List<string>();
        var moduleIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var frameModules = new int[frames.Count];
        for (int f = 0; f < frames.Count; f++)
        {
            string module = frames.Module(f);
            if (!moduleIds.TryGetValue(module, out int m))
            {
                moduleIds[module] = m = modules.Count;
                modules.Add(module);
            }

            frameModules[f] = m;
        }

        var threads = new List<TraceThread>();
        var threadOf = new Dictionary<int, int>(); // process frame → thread
        var parents = new List<int> { -1 };
        var nodeFrames = new List<int> { -1 };
        var children = new Dictionary<(int Parent, int Frame), int>();
        var stackOf = new Dictionary<(int Thread, int Node), int>();
        var stackThreads = new List<int>();
        var stackNodes = new List<int>();
        var weights = new List<long>();
        var slices = new List<List<(long Slice, long Weight)>>();
        bool timed = false;
        foreach (var stack in profile.Stacks)
        {
            if (stack.Frames.Length == 0)
            {
                continue;
            }

            int process = stack.Frames[0];
            if (!threadOf.TryGetValue(process, out int thread))
            {
                threadOf[process] = thread = threads.Count;
                threads.Add(threadNames ? ParseThread(frames.Text(process)) : new TraceThread(frames.Text(process), "", ""));
            }

            int node = 0;
            for (int i = 1; i < stack.Frames.Length; i++)
            {
                if (!children.TryGetValue((node, stack.Frames[i]), out int child))
                {
                    child = parents.Count;
                    children[(node, stack.Frames[i])] = child;
                    parents.Add(node);
                    nodeFrames.Add(stack.Frames[i]);
                }

                node = child;
            }

            if (!stackOf.TryGetValue((thread, node), out int index))
            {
                stackOf[(thread, node)] = index = weights.Count;
                stackThreads.Add(thread);
                stackNodes.Add(node);
                weights.Add(0);
                slices.Add([]);
            }

            weights[index] = checked(weights[index] + stack.Count);
            if (stack.Slice >= 0)
            {
                timed = true;
                slices[index].Add((stack.Slice, stack.Count));
            }
        }

        return new TraceModel
        {
            FrameNames = Enumerable.Range(0, frames.Count).Select(frames.Text).ToList(),
            FrameModules = frameModules,
            FrameKinds = Enumerable.Range(0, frames.Count).Select(frames.Kind).ToList(),
            Modules = modules,
            Threads = threads,
            NodeParents = parents,
            NodeFrames = nodeFrames,
            StackThreads = stackThreads,
            StackNodes = stackNodes,
            StackWeights = weights,
            Time = timed ? TraceTime.Build(slices, slicesPerSecond) : null,
        };
    }

    // "comm-pid/tid" (spaces in comm were made '_' by the collapser; comm itself may hold '-' and '/').
    private static TraceThread ParseThread(string text)
    {
        int slash = text.LastIndexOf('/');
        int dash = slash < 0 ? -1 : text.LastIndexOf('-', slash);
        return dash <= 0 ? new TraceThread(text, "", "") : new TraceThread(text[..dash], text[(dash + 1)..slash], text[(slash + 1)..]);
    }
}

/// <summary>
/// When samples were taken, in slices of 1/<see cref="SlicesPerSecond"/> second from <see cref="StartSecond"/> (whole
/// seconds of perf's clock): the heat map's cells (FlameScope's: a column per second, a row per slice) and each stack's
/// weight per slice, both sparse.
/// </summary>
public sealed class TraceTime
{
    public required long StartSecond { get; init; }

    public required int SlicesPerSecond { get; init; }

    /// <summary>Seconds covered: columns of the heat map.</summary>
    public required long Seconds { get; init; }

    /// <summary>Non-empty cells: slice number from the start, and the weight in it, by slice.</summary>
    public required IReadOnlyList<long> HeatSlices { get; init; }

    public required IReadOnlyList<long> HeatWeights { get; init; }

    /// <summary>Per stack: its slices from the start and weights, interleaved (slice, weight, slice, weight…).</summary>
    public required IReadOnlyList<long[]> StackSlices { get; init; }

    internal static TraceTime Build(List<List<(long Slice, long Weight)>> perStack, int slicesPerSecond)
    {
        long first = perStack.SelectMany(s => s).Select(s => s.Slice).DefaultIfEmpty(0).Min();
        long last = perStack.SelectMany(s => s).Select(s => s.Slice).DefaultIfEmpty(0).Max();
        long startSecond = first / slicesPerSecond;
        long origin = startSecond * slicesPerSecond;
        var heat = new SortedDictionary<long, long>();
        foreach (var (slice, weight) in perStack.SelectMany(s => s))
        {
            heat[slice - origin] = checked(heat.GetValueOrDefault(slice - origin) + weight);
        }

        return new TraceTime
        {
            StartSecond = startSecond,
            SlicesPerSecond = slicesPerSecond,
            Seconds = (last / slicesPerSecond) - startSecond + 1,
            HeatSlices = heat.Keys.ToList(),
            HeatWeights = heat.Values.ToList(),
            StackSlices = perStack.Select(s => s.SelectMany(e => new[] { e.Slice - origin, e.Weight }).ToArray()).ToList(),
        };
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Seconds} s from {StartSecond} s, {SlicesPerSecond} slices/s");
}
