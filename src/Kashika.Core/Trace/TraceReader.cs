using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Kashika.Core.Common;

namespace Kashika.Core.Trace;

/// <summary>
/// Reads trace inputs: perf script output, or folded stacks ("a;b;c 12", as any stackcollapse tool writes), told apart by
/// the first line that is neither empty nor a '#' comment. perf script text is cut into blocks at sample boundaries and
/// folded on <paramref name="threads"/> threads, each with its own collapser; their stacks are summed at the end.
/// Memory stays bounded: a few blocks in flight, plus the unique frames and stacks.
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

    /// <summary>Reads one whole input. A worker's failure ends the read promptly with that worker's exception.</summary>
    public void Read(Stream stream, string name)
    {
        first.BeginSource(name);
        long linesBefore = 0;
        bool detected = false;
        BlockingCollection<(byte[] Block, int Length, long LinesBefore)>? queue = null;
        using var failed = new CancellationTokenSource();
        var tasks = new List<Task>();
        try
        {
            foreach (var (block, length) in Blocks(stream, blockSize))
            {
                var bytes = block.AsSpan(0, length);
                if (!detected && Detect(bytes) is { } looksFolded)
                {
                    // Each input is one kind: perf script after folded stacks (or pprof) would be read as unrecognised
                    // lines, a smaller profile passed off as whole.
                    detected = true;
                    if (isFolded is { } mode && mode != looksFolded)
                    {
                        throw new InputException($"{name}: {(looksFolded ? "folded stacks" : "perf script")} cannot be read with the {(mode ? "folded stacks or pprof profiles" : "perf script")} before it; collapse each kind on its own first");
                    }

                    isFolded = looksFolded;
                }

                long lines = bytes.Count((byte)'\n');
                // The first blocks settle which event is counted before any worker starts. Srcline input stays in
                // order: a source line belongs to the frame line before it, across any cut.
                // Blocks stay with the first collapser until it has met a sample: a block of header comments alone
                // must not leave each worker to pick "the first event" on its own.
                bool settled = first.Event is not null || first.Samples > 0;
                if (isFolded == true || options.Srcline || threads <= 1 || linesBefore == 0 || !settled)
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

    /// <summary>Adds one stack read from a profile format (pprof), root first, each frame with its kind and module:
    /// folded with the folded inputs.</summary>
    /// <exception cref="InputException">Perf script was read before (the two cannot be merged), or the weights pass 2^63 − 1.</exception>
    public void AddStack(IReadOnlyList<(string Text, FrameKind Kind, string Module)> frames, long count, string source)
    {
        if (isFolded == false)
        {
            throw new InputException($"{source}: a pprof profile cannot be read with perf script input; collapse the perf script on its own first (to folded or pprof)");
        }

        isFolded = true;
        try
        {
            foldedTotal = CollapsedProfile.Add(foldedTotal, count);
        }
        catch (InputException e)
        {
            throw new InputException($"{source}: {e.Message}");
        }

        string key = string.Join(';', frames.Select(f => f.Text));
        folded[key] = folded.TryGetValue(key, out var known)
            ? (known.Frames, known.Count + count)
            : ([.. frames.Select(f => foldedFrames.Add(f.Text, f.Kind, f.Module))], count);
    }

    public CollapsedProfile Profile()
    {
        var profile = Collapsed().WithLabels(options.Labels ?? []);
        return profileMeasure is null ? profile : profile.WithMeasure(profileMeasure);
    }

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

        var profile = workers.Count == 0 ? first.Profile() : CollapsedProfile.Merge(All.Select(c => c.Profile()));
        return options.Weight == SampleWeight.Period && SawPeriod && Event is { } perfEvent ? profile.WithMeasure(SampleMeasure.Period(perfEvent)) : profile;
    }

    // The first line that is neither empty nor a comment decides.
    private static bool? Detect(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            int newline = bytes.IndexOf((byte)'\n');
            var line = (newline < 0 ? bytes : bytes[..newline]).TrimEnd("\r"u8);
            if (line.Length > 0 && line[0] != (byte)'#')
            {
                return CollapsedProfile.LooksFolded(line);
            }

            bytes = newline < 0 ? default : bytes[(newline + 1)..];
        }

        return null;
    }

    /// <summary>
    /// Blocks of about <paramref name="blockSize"/> bytes, each ending at a sample boundary: after a blank line, else before a
    /// line that starts in column one (an event line); a block grows when it has neither. The caller returns each array.
    /// </summary>
    private static IEnumerable<(byte[] Block, int Length)> Blocks(Stream stream, int blockSize)
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
