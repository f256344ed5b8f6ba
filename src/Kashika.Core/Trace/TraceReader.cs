using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Kashika.Core.Common;

namespace Kashika.Core.Trace;

/// <summary>
/// The one driver every trace input goes through: perf script text and folded stacks are read here (their kind decided
/// by <see cref="TraceInputKinds.Detect"/>), profile formats (pprof) add their stacks with <see cref="AddStack"/>. perf
/// script text is cut into blocks at sample boundaries and folded on <paramref name="threads"/> threads, each with its own
/// collapser; their stacks are summed at the end. Memory stays bounded: a few blocks in flight, plus the unique frames and
/// stacks. What was skipped or assumed is in <see cref="Warnings"/>.
/// </summary>
/// <param name="blockSize">Bytes per block (tests make it small to exercise the cuts).</param>
/// <param name="workerBlock">Called by a worker before each block it folds (tests inject a failure here).</param>
public sealed class TraceReader(CollapseOptions options, int threads = 1, int blockSize = 1 << 22, Action<long>? workerBlock = null)
{
    private const int MaxReported = 5;

    private readonly PerfScriptCollapser first = new(options);
    private readonly List<PerfScriptCollapser> workers = [];
    private readonly Dictionary<string, (int[] Frames, long Count)> folded = new(StringComparer.Ordinal);
    private readonly FrameTable foldedFrames = new();
    private readonly List<(string Source, long Line, string Text)> foldedUnrecognized = [];
    private bool? isFolded;
    private SampleMeasure? profileMeasure;
    private long foldedBad;
    private long foldedGood;
    private long foldedTotal;

    public bool IsFolded => isFolded == true;

    public long Samples => IsFolded ? folded.Count : All.Sum(c => c.Samples);

    public long UnrecognizedLines => IsFolded ? foldedBad : All.Sum(c => c.UnrecognizedLines);

    public IReadOnlyList<(string Source, long Line, string Text)> FirstUnrecognized => IsFolded
        ? foldedUnrecognized
        : All.SelectMany(c => c.FirstUnrecognized).OrderBy(u => u.Line).Take(MaxReported).ToList();

    /// <summary>The event counted, when the input names events.</summary>
    public string? Event => first.Event;

    /// <summary>Whether any counted sample's event line gave a period.</summary>
    public bool SawPeriod => All.Any(c => c.SawPeriod);

    public bool EventWasDefaulted => first.EventWasDefaulted;

    /// <summary>Events skipped because another was counted, with their numbers of samples.</summary>
    public IReadOnlyDictionary<string, long> SkippedEvents => All
        .SelectMany(c => c.SkippedEvents)
        .GroupBy(e => e.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Sum(e => e.Value), StringComparer.Ordinal);

    private IEnumerable<PerfScriptCollapser> All => workers.Prepend(first);

    /// <summary>The event counted when none was asked for and none met yet: a recording's first event.</summary>
    public void PreferEvent(string perfEvent) => first.PreferEvent(perfEvent);

    /// <summary>The event asked for (--event), if any: for a profile of several sample types, the type to count.</summary>
    public string? EventAsked => options.EventFilter;

    private readonly List<string> notes = [];

    /// <summary>Something a format's reader assumed or left out (a profile's other sample types), said with the rest.</summary>
    public void Note(string warning) => notes.Add(warning);

    /// <summary>
    /// Everything dropped, skipped or assumed while reading, one sentence each, for standard error, the page and its
    /// JSON: unrecognised lines, events not counted, off-CPU waits that did not end, kernel frames without symbols.
    /// </summary>
    public IReadOnlyList<string> Warnings()
    {
        var warnings = new List<string>();
        foreach (var (source, line, text) in FirstUnrecognized)
        {
            warnings.Add($"{source}:{line}: unrecognised line skipped: {(text.Length > 160 ? text[..160] + "…" : text)}");
        }

        long more = UnrecognizedLines - FirstUnrecognized.Count;
        if (more > 0)
        {
            warnings.Add($"{more:N0} more unrecognised lines skipped");
        }

        if (!IsFolded && SkippedEvents.Count > 0)
        {
            string skipped = string.Join(", ", SkippedEvents.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"'{e.Key}' ({e.Value:N0} samples)"));
            string how = !EventWasDefaulted ? "as asked" : first.EventWasRecordedFirst ? "the recording's first event" : "the first event in the input";
            warnings.Add($"several events: counted '{Event}' ({how}), skipped {skipped}; choose with --event");
        }

        warnings.AddRange(notes);
        long withoutPeriod = All.Sum(c => c.WithoutPeriod);
        if (options.Weight == SampleWeight.Period && SawPeriod && withoutPeriod > 0)
        {
            warnings.Add($"{withoutPeriod:N0} sample{(withoutPeriod == 1 ? " has" : "s have")} no period on their event line and weigh 1 each, among samples weighed by their period: the input mixes two units (--weight samples counts every sample 1)");
        }


        long unmatched = All.Sum(c => c.OffCpuUnmatched);
        if (unmatched > 0)
        {
            warnings.Add($"off-CPU: {unmatched:N0} of {unmatched + All.Sum(c => c.OffCpuMatched):N0} switch-outs not counted: their thread was not seen switching in again before the recording ended");
        }

        long kernelUnknown = All.Sum(c => c.KernelUnknownSamples);
        if (kernelUnknown > 0)
        {
            warnings.Add($"{kernelUnknown:N0} of {Samples:N0} samples have kernel frames perf could not name ([unknown] in the kernel): record as root, or after 'sysctl kernel.kptr_restrict=0'");
        }

        return warnings;
    }

    /// <summary>Reads a perf.data recording's samples as <paramref name="play"/> hands them over (perf.data read
    /// natively): counted as the same samples printed by perf script are.</summary>
    /// <exception cref="InputException">Perf script cannot be summed with the folded inputs before it.</exception>
    public void ReadSamples(string name, Action<NativeSampleHandler> play)
    {
        Kind(false, name);
        first.BeginSource(name);
        play(first.Sample);
    }

    /// <summary>Reads one text input (perf script or folded stacks), its kind decided from its content.</summary>
    /// <exception cref="InputException">It is neither.</exception>
    public void Read(Stream stream, string name)
    {
        var head = new byte[TraceInputKinds.HeadSize];
        int length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var kind = TraceInputKinds.Detect(head.AsSpan(0, length), whole: length < head.Length);
        if (kind is not (TraceInputKind.PerfScript or TraceInputKind.Folded or TraceInputKind.Empty))
        {
            throw new InputException($"{name}: not perf script or folded stacks");
        }

        Read(new PrefixedStream(head[..length], stream), name, kind);
    }

    /// <summary>Reads one whole input of <paramref name="kind"/> (perf script or folded stacks). A worker's failure ends
    /// the read promptly with that worker's exception.</summary>
    /// <exception cref="InputException">The input cannot be summed with those before it, or is mostly not of its kind.</exception>
    public void Read(Stream stream, string name, TraceInputKind kind)
    {
        if (kind is not (TraceInputKind.PerfScript or TraceInputKind.Folded or TraceInputKind.Empty))
        {
            throw new ArgumentException($"{kind} is not text", nameof(kind));
        }

        if (kind != TraceInputKind.Empty)
        {
            Kind(kind == TraceInputKind.Folded, name);
        }

        first.BeginSource(name);
        long badBefore = UnrecognizedLines, goodBefore = IsFolded ? foldedGood : All.Sum(c => c.Recognized);
        long linesBefore = 0;
        BlockingCollection<(byte[] Block, int Length, long LinesBefore)>? queue = null;
        using var failed = new CancellationTokenSource();
        var tasks = new List<Task>();
        try
        {
            foreach (var (block, length) in Blocks(stream, blockSize, name))
            {
                var bytes = block.AsSpan(0, length);
                long lines = bytes.Count((byte)'\n');
                // The first blocks settle which event is counted before any worker starts. Srcline input stays in
                // order: a source line belongs to the frame line before it, across any cut.
                // Blocks stay with the first collapser until it has met a sample: a block of header comments alone
                // must not leave each worker to pick "the first event" on its own.
                bool settled = first.Event is not null || first.Samples > 0;
                if (isFolded == true || options.Srcline || options.OffCpu || threads <= 1 || linesBefore == 0 || !settled)
                {
                    Feed(bytes, name, linesBefore, first);
                    ArrayPool<byte>.Shared.Return(block);
                }
                else
                {
                    queue ??= StartWorkers(name, tasks, failed);
                    try
                    {
                        // A bounded queue: the reader waits for the workers, unless one of them has failed.
                        queue.Add((block, length, linesBefore), failed.Token);
                    }
                    catch (OperationCanceledException) when (failed.IsCancellationRequested)
                    {
                        break;
                    }
                }

                linesBefore += lines;
            }
        }
        catch
        {
            failed.Cancel(); // the reader failed (an unreadable or corrupt input): the workers stop too
            throw;
        }
        finally
        {
            queue?.CompleteAdding();
            try
            {
                Task.WaitAll(tasks);
            }
            catch (AggregateException)
            {
                // A worker's own failure is rethrown below; workers stopped by the reader's failure leave that one.
            }
        }

        // The first worker failure, as it was thrown (a bug in folding is reported once, not wrapped).
        if (tasks.FirstOrDefault(t => t.IsFaulted && t.Exception!.InnerExceptions.Any(x => x is not OperationCanceledException)) is { } faulted)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(faulted.Exception!.InnerExceptions.First(x => x is not OperationCanceledException));
        }

        // A text that is mostly not of its kind (a README, a log) is not a profile with a few lines skipped.
        long bad = UnrecognizedLines - badBefore, good = (IsFolded ? foldedGood : All.Sum(c => c.Recognized)) - goodBefore;
        if (bad > 0 && bad >= good)
        {
            var firstBad = FirstUnrecognized.FirstOrDefault(u => u.Source == name);
            string where = firstBad.Source is null ? "" : $" (line {firstBad.Line}: {(firstBad.Text.Length > 80 ? firstBad.Text[..80] + "…" : firstBad.Text)})";
            throw new InputException($"{name}: {bad:N0} of its {bad + good:N0} lines are not {(IsFolded ? "folded stacks" : "perf script")}{where}: not a profile kashika reads");
        }
    }

    /// <summary>Reads perf script's text of one recording printed in slices of its time (one perf script a slice, in
    /// time order), each slice folded on a thread of its own as it is printed: every sample is whole within its slice.
    /// The event counted must be settled before (<see cref="PreferEvent"/> or the options).</summary>
    /// <exception cref="InputException">A slice cannot be read, or the text is mostly not perf script.</exception>
    public void ReadSlices(IReadOnlyList<Stream> slices, string name)
    {
        if (slices.Count == 1 || first.Event is null || options.OffCpu)
        {
            foreach (var slice in slices)
            {
                Read(slice, name, TraceInputKind.PerfScript);
            }

            return;
        }

        Kind(false, name);
        first.BeginSource(name);
        long badBefore = UnrecognizedLines, goodBefore = All.Sum(c => c.Recognized);
        var sliceOptions = options with { EventFilter = first.Event };
        var collapsers = slices.Select((_, i) => i == 0 ? first : new PerfScriptCollapser(sliceOptions)).ToList();
        workers.AddRange(collapsers.Skip(1));
        var tasks = slices.Select((slice, i) => Task.Factory.StartNew(
            () =>
            {
                long lines = 0;
                foreach (var (block, length) in Blocks(slice, blockSize, name))
                {
                    workerBlock?.Invoke(lines);
                    Feed(block.AsSpan(0, length), name, lines, collapsers[i]);
                    lines += block.AsSpan(0, length).Count((byte)'\n');
                    ArrayPool<byte>.Shared.Return(block);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        long bad = UnrecognizedLines - badBefore, good = All.Sum(c => c.Recognized) - goodBefore;
        if (bad > 0 && bad >= good)
        {
            throw new InputException($"{name}: {bad:N0} of its {bad + good:N0} lines are not perf script: not a profile kashika reads");
        }
    }

    // Each input is one kind: perf script after folded stacks (or pprof) would be read as unrecognised lines, a smaller
    // profile passed off as whole.
    private void Kind(bool stacks, string name)
    {
        if (isFolded is { } mode && mode != stacks)
        {
            throw new InputException($"{name}: {(stacks ? "folded stacks or a pprof profile" : "perf script")} cannot be read with the {(mode ? "folded stacks or pprof profiles" : "perf script")} before it; collapse each kind on its own first");
        }

        isFolded = stacks;
    }

    private BlockingCollection<(byte[] Block, int Length, long LinesBefore)> StartWorkers(string name, List<Task> tasks, CancellationTokenSource failed)
    {
        var queue = new BlockingCollection<(byte[] Block, int Length, long LinesBefore)>(boundedCapacity: threads * 2);
        var workerOptions = options with { EventFilter = first.Event ?? options.EventFilter };
        for (int i = 0; i < threads; i++)
        {
            var collapser = new PerfScriptCollapser(workerOptions);
            workers.Add(collapser);
            tasks.Add(Task.Factory.StartNew(
                () =>
                {
                    try
                    {
                        foreach (var (block, length, linesBefore) in queue.GetConsumingEnumerable(failed.Token))
                        {
                            workerBlock?.Invoke(linesBefore);
                            Feed(block.AsSpan(0, length), name, linesBefore, collapser);
                            ArrayPool<byte>.Shared.Return(block);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        failed.Cancel(); // the reader and the other workers stop instead of waiting for this one
                        throw;
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default));
        }

        return queue;
    }

    private void Feed(ReadOnlySpan<byte> bytes, string name, long linesBefore, PerfScriptCollapser collapser)
    {
        if (collapser != first || linesBefore > 0)
        {
            collapser.BeginSource(name, linesBefore);
        }

        long line = linesBefore;
        while (bytes.Length > 0)
        {
            int newline = bytes.IndexOf((byte)'\n');
            var current = newline < 0 ? bytes : bytes[..newline];
            line++;
            if (isFolded == true)
            {
                Folded(current, name, line);
            }
            else
            {
                collapser.Line(current);
            }

            bytes = newline < 0 ? default : bytes[(newline + 1)..];
        }
    }

    /// <summary>The number of a frame of a profile format's stack (see <see cref="AddStack"/>).</summary>
    public int Frame(string text, FrameKind kind, string module) => foldedFrames.Add(text, kind, module);

    /// <summary>The root frame of a thread's stacks, named as perf's are with the options (comm, comm-pid, comm-pid/tid).</summary>
    public int ThreadFrame(TraceThread thread)
    {
        string pid = thread.Pid.Length > 0 ? thread.Pid : "?", tid = thread.Tid.Length > 0 ? thread.Tid : "?";
        var name = new char[thread.Comm.Length + pid.Length + tid.Length + 2];
        return foldedFrames.AddThread(new string(name, 0, FrameNames.ThreadName(thread.Comm, pid, tid, options, name)), thread);
    }

    /// <summary>Adds one stack read from a profile format (pprof), root first, numbered by <see cref="Frame"/> and
    /// <see cref="ThreadFrame"/>: summed with the folded inputs.</summary>
    /// <exception cref="InputException">Perf script was read before (the two cannot be merged), or the weights pass 2^63 − 1.</exception>
    public void AddStack(int[] frames, long count, string source)
    {
        Kind(true, source);
        try
        {
            foldedTotal = CollapsedProfile.Add(foldedTotal, count);
        }
        catch (InputException e)
        {
            throw new InputException($"{source}: {e.Message}");
        }

        string key = string.Join(';', frames);
        folded[key] = folded.TryGetValue(key, out var known) ? (known.Frames, known.Count + count) : (frames, count);
    }

    /// <summary>The profile read, with what its weights measure.</summary>
    /// <exception cref="InputException">Off-CPU: no thread was seen switching in again (the recording was not system-wide).</exception>
    public CollapsedProfile Profile()
    {
        var profile = Collapsed().WithLabels(options.Labels ?? []);
        if (options.OffCpu && All.Sum(c => c.OffCpuMatched) == 0 && All.Sum(c => c.OffCpuUnmatched) > 0)
        {
            throw new InputException("--off-cpu: no thread was seen switching back in, so no wait has an end; record every CPU: perf record -e sched:sched_switch -g -a -- sleep 10");
        }

        return profile.WithMeasure(Measure());
    }

    // The one rule for what a profile's weights are.
    private SampleMeasure Measure() =>
        profileMeasure ?? (IsFolded ? SampleMeasure.Count
            : options.OffCpu ? (options.Weight == SampleWeight.Samples ? SampleMeasure.SamplesOf(Event) : SampleMeasure.OffCpu)
            : options.Weight == SampleWeight.Period && SawPeriod && Event is { } perfEvent ? SampleMeasure.Period(perfEvent)
            : SampleMeasure.SamplesOf(Event));

    /// <summary>What the stacks added by <see cref="AddStack"/> measure (a profile format's sample type).</summary>
    /// <exception cref="InputException">Profiles measuring different things (cpu time and allocations) would be summed.</exception>
    public void Measure(SampleMeasure measure, string source)
    {
        if (profileMeasure is not null && profileMeasure != measure)
        {
            throw new InputException($"{source}: measures {measure.Type}/{measure.Unit}, the profiles before it {profileMeasure.Type}/{profileMeasure.Unit}: they cannot be summed");
        }

        profileMeasure = measure;
    }

    private CollapsedProfile Collapsed()
    {
        if (IsFolded)
        {
            return CollapsedProfile.Create(foldedFrames, folded.Values);
        }

        foreach (var collapser in All)
        {
            collapser.Finish();
        }

        return workers.Count == 0 ? first.Profile() : CollapsedProfile.Merge(All.Select(c => c.Profile()));
    }

    /// <summary>
    /// Blocks of about <paramref name="blockSize"/> bytes, each ending at a sample boundary: after a blank line, else before a
    /// line that starts in column one (an event line); a block grows when it has neither. The caller returns each array.
    /// </summary>
    // The longest stretch without a line's or a sample's end that is read: a line of a gigabyte (a few megabytes
    // gzipped) is not a profile, and reading on would take all memory.
    private const int MaxSample = 256 << 20;

    private static IEnumerable<(byte[] Block, int Length)> Blocks(Stream stream, int blockSize, string name)
    {
        byte[] carry = [];
        int carryLength = 0;
        while (true)
        {
            int size = Math.Max(blockSize, carryLength * 2);
            byte[] block = ArrayPool<byte>.Shared.Rent(size);
            carry.AsSpan(0, carryLength).CopyTo(block);
            int length = carryLength + stream.ReadAtLeast(block.AsSpan(carryLength), block.Length - carryLength, throwOnEndOfStream: false);
            if (length < block.Length)
            {
                if (length > 0)
                {
                    yield return (block, length);
                }
                else
                {
                    ArrayPool<byte>.Shared.Return(block);
                }

                yield break;
            }

            int cut = Boundary(block.AsSpan(0, length));
            if (cut <= 0)
            {
                if (length >= MaxSample)
                {
                    ArrayPool<byte>.Shared.Return(block);
                    throw new InputException($"{name}: {MaxSample / (1 << 20):N0} MiB without the end of a line or sample (perf script and folded stacks end each line, and a sample is far shorter): not a profile kashika reads");
                }

                carry = block;
                carryLength = length;
                continue; // no boundary yet: read on into a larger block
            }

            carryLength = length - cut;
            carry = new byte[carryLength];
            block.AsSpan(cut, carryLength).CopyTo(carry);
            yield return (block, cut);
        }
    }

    private static int Boundary(ReadOnlySpan<byte> bytes)
    {
        int blank = bytes.LastIndexOf("\n\n"u8);
        if (blank >= 0)
        {
            return blank + 2;
        }

        for (int i = bytes.Length - 2; i >= 0; i--)
        {
            if (bytes[i] == (byte)'\n' && bytes[i + 1] is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return i + 1;
            }
        }

        return -1;
    }

    private void Folded(ReadOnlySpan<byte> bytes, string source, long lineNumber)
    {
        string line = Encoding.Latin1.GetString(bytes).TrimEnd('\r');
        if (line.Length == 0 || line[0] == '#')
        {
            return;
        }

        int space = line.LastIndexOf(' ');
        if (space <= 0 || !long.TryParse(line.AsSpan(space + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long count))
        {
            foldedBad++;
            if (foldedUnrecognized.Count < MaxReported)
            {
                foldedUnrecognized.Add((source, lineNumber, line));
            }

            return;
        }

        string stack = line[..space];
        foldedGood++;
        try
        {
            foldedTotal = CollapsedProfile.Add(foldedTotal, count);
        }
        catch (InputException e)
        {
            throw InputException.At(source, lineNumber, e.Message);
        }

        folded[stack] = folded.TryGetValue(stack, out var known)
            ? (known.Frames, known.Count + count)
            : (stack.Split(';').Select(f => foldedFrames.Add(f, FrameKind.User)).ToArray(), count);
    }
}
