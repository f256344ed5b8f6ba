using System.Globalization;

namespace Kashika.Core.Trace;

/// <summary>What a profile's weights are, as the page shows them.</summary>
/// <param name="Weight">"samples", "count" (folded input), or what the weights measure ("cpu-clock", "off-cpu", "inuse_space").</param>
/// <param name="Event">The perf event counted, when the input names it.</param>
/// <param name="Label">The unit as the page shows it ("samples", "ms of cpu-clock", "ms off-CPU", "bytes of inuse_space", "cycles").</param>
/// <param name="Scale">What one weight is in that unit (nanoseconds shown as ms: 1e-6).</param>
public sealed record TraceUnit(string Weight, string? Event, string Label, double Scale)
{
    /// <summary>The page's unit of a measure: never periods called samples.</summary>
    public static TraceUnit Of(SampleMeasure measure)
    {
        string type = measure.Type;
        double? toMs = measure.Unit switch
        {
            "nanoseconds" => 1e-6,
            "microseconds" => 1e-3,
            "milliseconds" => 1,
            "seconds" => 1e3,
            _ => null,
        };
        if (toMs is { } scale)
        {
            string label = type switch
            {
                "off-cpu" => "ms off-CPU",
                "cpu" => "ms of CPU",
                _ => $"ms of {type}",
            };
            return new TraceUnit(type, measure.Event, label, scale);
        }

        if (measure.Unit == "bytes")
        {
            return new TraceUnit(type, measure.Event, $"bytes of {type}", 1);
        }

        return type switch
        {
            "samples" => new TraceUnit("samples", measure.Event, measure.Event is { } e ? $"samples of {e}" : "samples", 1),
            "count" => new TraceUnit("count", null, "count", 1),
            _ => new TraceUnit(type, measure.Event, measure.Unit is "count" or "" ? type : $"{measure.Unit} of {type}", 1),
        };
    }
}

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

    /// <summary>The threads (and label sets) stacks were sampled in: each stack's context, never a frame.</summary>
    public required IReadOnlyList<SampledThread> Threads { get; init; }

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

    /// <summary>
    /// Builds the model of a profile: each stack's leading label frames and thread frame (perf's "comm-pid/tid", folded
    /// with <see cref="CollapseOptions.Tid"/>; pprof's comm/pid/tid labels) are its thread, the rest its frames. Folded
    /// input has neither: every frame is a function. Frames of one name in different modules (two programs' main) are
    /// told apart by the module's file name.
    /// </summary>
    public static TraceModel Build(CollapsedProfile profile, int slicesPerSecond)
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

        // A thread is its labels and ids; its names (a thread renames itself, a process execs) are weighed to pick one.
        var contexts = new List<(string Labels, TraceThread? Thread)>();
        var contextOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<Dictionary<string, long>>();
        var parents = new List<int> { -1 };
        var nodeFrames = new List<int> { -1 };
        var children = new Dictionary<(int Parent, int Frame), int>();
        var stackOf = new Dictionary<(int Thread, int Node), int>();
        var stackThreads = new List<int>();
        var stackNodes = new List<int>();
        var weights = new List<long>();
        var slices = new List<List<(long Slice, long Weight)>>();
        bool timed = false;
        int[]? previous = null;
        int index = -1;
        string? comm = null;
        foreach (var stack in profile.Stacks)
        {
            // Stacks come sorted, a stack's time slices together sharing one frames array: its thread and node are found once.
            if (!ReferenceEquals(stack.Frames, previous))
            {
                previous = stack.Frames;
                (index, comm) = Place(stack.Frames);
            }

            if (comm is not null)
            {
                var byName = names[stackThreads[index]];
                byName[comm] = byName.GetValueOrDefault(comm) + stack.Count;
            }

            weights[index] = checked(weights[index] + stack.Count);
            if (stack.Slice >= 0)
            {
                timed = true;
                slices[index].Add((stack.Slice, stack.Count));
            }
        }

        // The stack's index (its thread and leaf node), and the name of its thread.
        (int Index, string? Comm) Place(int[] stack)
        {
            int first = 0;
            while (first < stack.Length && frames.Kind(stack[first]) == FrameKind.Label)
            {
                first++;
            }

            string labels = string.Join(", ", stack[..first].Select(frames.Text));
            int threadFrame = first < stack.Length && frames.Kind(stack[first]) == FrameKind.Thread ? stack[first++] : -1;
            var sampled = threadFrame < 0 ? null : frames.Thread(threadFrame)!; // every thread frame is made with its thread
            string key = sampled is null ? labels
                : Known(sampled.Pid) && sampled.Tid.Length > 0 ? $"{labels}\n{sampled.Pid}/{sampled.Tid}"
                : $"{labels}\n\n{frames.Text(threadFrame)}";
            if (!contextOf.TryGetValue(key, out int thread))
            {
                contextOf[key] = thread = contexts.Count;
                contexts.Add((labels, sampled));
                names.Add(new Dictionary<string, long>(StringComparer.Ordinal));
            }

            int node = 0;
            for (int i = first; i < stack.Length; i++)
            {
                if (!children.TryGetValue((node, stack[i]), out int child))
                {
                    child = parents.Count;
                    children[(node, stack[i])] = child;
                    parents.Add(node);
                    nodeFrames.Add(stack[i]);
                }

                node = child;
            }

            if (!stackOf.TryGetValue((thread, node), out int found))
            {
                stackOf[(thread, node)] = found = weights.Count;
                stackThreads.Add(thread);
                stackNodes.Add(node);
                weights.Add(0);
                slices.Add([]);
            }

            return (found, sampled?.Comm);
        }

        return new TraceModel
        {
            FrameNames = DistinctNames(frames),
            FrameModules = frameModules,
            FrameKinds = Enumerable.Range(0, frames.Count).Select(frames.Kind).ToList(),
            Modules = modules,
            Threads = ThreadList(
                contexts.Select((c, i) => (c.Labels, c.Thread is { } t ? t with { Comm = Heaviest(names[i]) } : null)).ToList(), stackThreads, weights),
            NodeParents = parents,
            NodeFrames = nodeFrames,
            StackThreads = stackThreads,
            StackNodes = stackNodes,
            StackWeights = weights,
            Time = timed ? TraceTime.Build(slices, slicesPerSecond) : null,
        };
    }

    private static string Heaviest(Dictionary<string, long> names) =>
        names.OrderByDescending(n => n.Value).ThenBy(n => n.Key, StringComparer.Ordinal).First().Key;

    private static bool Known(string pid) => pid.Length > 0 && pid != "?";

    // A process is its pid, named by its main thread (tid = pid), else by its heaviest thread: a thread's name
    // (pthread_setname_np) is not its process's.
    private static List<SampledThread> ThreadList(List<(string Labels, TraceThread? Thread)> contexts, List<int> stackThreads, List<long> weights)
    {
        var weightOf = new long[contexts.Count];
        for (int i = 0; i < stackThreads.Count; i++)
        {
            weightOf[stackThreads[i]] += weights[i];
        }

        var processNames = contexts.Select((c, i) => (c.Thread, Weight: weightOf[i]))
            .Where(c => c.Thread is { } t && Known(t.Pid))
            .GroupBy(c => c.Thread!.Pid, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (g.FirstOrDefault(c => c.Thread!.Tid == g.Key).Thread ?? g.OrderByDescending(c => c.Weight).ThenBy(c => c.Thread!.Tid, StringComparer.Ordinal).First().Thread)!.Comm,
                StringComparer.Ordinal);
        return contexts.Select(c => c.Thread is { } t
                ? new SampledThread(t.Comm, t.Pid, t.Tid, Known(t.Pid) ? processNames[t.Pid] : t.Comm, c.Labels)
                : new SampledThread("", "", "", "", c.Labels))
            .ToList();
    }

    // Each frame's name, with its module's file name where another frame of the same name is in another module.
    private static List<string> DistinctNames(FrameTable frames)
    {
        var names = Enumerable.Range(0, frames.Count).Select(frames.Text).ToList();
        var shared = names.Select((n, i) => (n, i)).Where(x => frames.Kind(x.i) is not (FrameKind.Thread or FrameKind.Label))
            .GroupBy(x => x.n, StringComparer.Ordinal).Where(g => g.Count() > 1);
        foreach (var group in shared)
        {
            foreach (var (name, i) in group)
            {
                string module = frames.Module(i);
                names[i] = $"{name} [{(module.Length == 0 ? "?" : module[(module.LastIndexOf('/') + 1)..])}]";
            }
        }

        return names;
    }
}

/// <summary>A thread of the page's thread list: its name, ids and process name (<c>""</c> where the input did not say),
/// and the labels of its samples (<c>host=web1, region=eu</c>).</summary>
public sealed record SampledThread(string Comm, string Pid, string Tid, string Process, string Labels);

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
        long first = long.MaxValue, last = long.MinValue;
        foreach (var stack in perStack)
        {
            foreach (var (slice, _) in stack)
            {
                first = Math.Min(first, slice);
                last = Math.Max(last, slice);
            }
        }

        if (first > last)
        {
            first = last = 0;
        }

        long startSecond = first / slicesPerSecond;
        long origin = startSecond * slicesPerSecond;
        var heat = new Dictionary<long, long>();
        var stackSlices = new List<long[]>(perStack.Count);
        foreach (var stack in perStack)
        {
            var interleaved = new long[stack.Count * 2];
            for (int i = 0; i < stack.Count; i++)
            {
                var (slice, weight) = stack[i];
                ref long cell = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(heat, slice - origin, out _);
                cell = checked(cell + weight);
                interleaved[2 * i] = slice - origin;
                interleaved[(2 * i) + 1] = weight;
            }

            stackSlices.Add(interleaved);
        }

        var cells = heat.Keys.ToArray();
        Array.Sort(cells);
        return new TraceTime
        {
            StartSecond = startSecond,
            SlicesPerSecond = slicesPerSecond,
            Seconds = (last / slicesPerSecond) - startSecond + 1,
            HeatSlices = cells,
            HeatWeights = Array.ConvertAll(cells, c => heat[c]),
            StackSlices = stackSlices,
        };
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Seconds} s from {StartSecond} s, {SlicesPerSecond} slices/s");
}
