namespace Kashika.Core.Trace;

/// <summary>One unique stack: frame numbers from the root (the process name) to the leaf, and its weight.</summary>
public sealed record FoldedStack(int[] Frames, long Count);

/// <summary>
/// Folded stacks in the order the folded format prints them (byte order of "frame;frame;…"), over one frame table.
/// Every trace output (folded, call tree, speedscope, the original d3trace) is written from this.
/// </summary>
public sealed class CollapsedProfile
{
    private CollapsedProfile(FrameTable frames, IReadOnlyList<FoldedStack> stacks)
    {
        Frames = frames;
        Stacks = stacks;
    }

    public FrameTable Frames { get; }

    public IReadOnlyList<FoldedStack> Stacks { get; }

    public long Total => Stacks.Sum(s => s.Count);

    public string Folded(FoldedStack stack) => string.Join(';', stack.Frames.Select(Frames.Text));

    public static CollapsedProfile Create(FrameTable frames, IEnumerable<(int[] Frames, long Count)> stacks)
    {
        var sorted = stacks
            .Select(s => (Text: string.Join(';', s.Frames.Select(frames.Text)), Stack: new FoldedStack(s.Frames, s.Count)))
            .OrderBy(s => s.Text, StringComparer.Ordinal) // chars are bytes: ordinal order is Perl's byte order
            .Select(s => s.Stack)
            .ToList();
        return new CollapsedProfile(frames, sorted);
    }

    /// <summary>Sums profiles folded separately (each over its own frame table) into one.</summary>
    public static CollapsedProfile Merge(IEnumerable<CollapsedProfile> parts)
    {
        var frames = new FrameTable();
        var sums = new Dictionary<string, (int[] Frames, long Count)>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var stack in part.Stacks)
            {
                string text = part.Folded(stack);
                sums[text] = sums.TryGetValue(text, out var known)
                    ? (known.Frames, known.Count + stack.Count)
                    : (stack.Frames.Select(f => frames.Add(part.Frames.Text(f), part.Frames.Kind(f))).ToArray(), stack.Count);
            }
        }

        return Create(frames, sums.Values);
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
}
