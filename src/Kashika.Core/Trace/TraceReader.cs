using System.Text;

namespace Kashika.Core.Trace;

/// <summary>
/// Reads trace text line by line: perf script output, or folded stacks ("a;b;c 12", as any stackcollapse tool writes),
/// told apart by the first line that is neither empty nor a '#' comment. Folded input is summed and re-sorted, so a
/// profile can be rebuilt from it.
/// </summary>
public sealed class TraceReader(CollapseOptions options)
{
    private readonly Dictionary<string, (int[] Frames, long Count)> folded = new(StringComparer.Ordinal);
    private readonly FrameTable foldedFrames = new();
    private readonly List<(string Source, long Line, string Text)> foldedUnrecognized = [];
    private bool? isFolded;
    private string source = "-";
    private long lineInSource;
    private long foldedBad;

    public PerfScriptCollapser Perf { get; } = new(options);

    public bool IsFolded => isFolded == true;

    public long Samples => IsFolded ? folded.Count : Perf.Samples;

    public long UnrecognizedLines => IsFolded ? foldedBad : Perf.UnrecognizedLines;

    public IReadOnlyList<(string Source, long Line, string Text)> FirstUnrecognized => IsFolded ? foldedUnrecognized : Perf.FirstUnrecognized;

    public void BeginSource(string name)
    {
        source = name;
        lineInSource = 0;
        Perf.BeginSource(name);
    }

    public void Line(ReadOnlySpan<byte> line)
    {
        lineInSource++;
        if (isFolded is null && line.Length > 0 && line[0] != (byte)'#' && !line.SequenceEqual("\r"u8))
        {
            isFolded = CollapsedProfile.LooksFolded(line);
        }

        if (isFolded == true)
        {
            Folded(line);
        }
        else
        {
            Perf.Line(line);
        }
    }

    public CollapsedProfile Profile()
    {
        if (IsFolded)
        {
            return CollapsedProfile.Create(foldedFrames, folded.Values);
        }

        Perf.Finish();
        return Perf.Profile();
    }

    private void Folded(ReadOnlySpan<byte> bytes)
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
            if (foldedUnrecognized.Count < 5)
            {
                foldedUnrecognized.Add((source, lineInSource, line));
            }

            return;
        }

        string stack = line[..space];
        folded[stack] = folded.TryGetValue(stack, out var known)
            ? (known.Frames, known.Count + count)
            : (stack.Split(';').Select(f => foldedFrames.Add(f, FrameKind.User)).ToArray(), count);
    }
}
