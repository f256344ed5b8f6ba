namespace Kashika.Core.Trace;

/// <summary>What an input of <c>kashika trace</c> is, decided by its content alone (never its name).</summary>
public enum TraceInputKind
{
    /// <summary>Nothing but blank lines and comments (or nothing at all).</summary>
    Empty,

    /// <summary>A gzip stream: decompress, then decide again.</summary>
    Gzip,

    /// <summary>A perf.data recording (magic "PERFILE2"): perf script turns it into text.</summary>
    PerfData,

    /// <summary><c>perf script</c> text.</summary>
    PerfScript,

    /// <summary>Folded stacks: "frame;frame;… count" lines.</summary>
    Folded,

    /// <summary>pprof's profile.proto (perftools.profiles.Profile).</summary>
    Pprof,

    /// <summary>gperftools' and Go's older profile formats (binary CPU profiles, "heap profile:" text, …): not read.</summary>
    LegacyPprof,

    /// <summary>Bytes that are none of these.</summary>
    Unknown,
}

/// <summary>The one place an input's kind is decided.</summary>
public static class TraceInputKinds
{
    /// <summary>How many first bytes <see cref="Detect"/> wants (less when the input is shorter).</summary>
    public const int HeadSize = 1 << 16;

    private static readonly string[] LegacyTextStarts =
    [
        "heap profile:", "--- symbol", "--- heapz", "--- heap", "--- contention", "--- threadz", "--- mutex", "--- block",
        "--- contentionz", "goroutine profile:", "threadcreate profile:",
    ];

    /// <summary>The kind of an input from its first bytes (<paramref name="whole"/>: they are the whole input).</summary>
    public static TraceInputKind Detect(ReadOnlySpan<byte> head, bool whole)
    {
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            return TraceInputKind.Gzip;
        }

        if (head.StartsWith("PERFILE2"u8))
        {
            return TraceInputKind.PerfData;
        }

        // gperftools' binary CPU profile: a header of 64-bit (or 32-bit) words 0, 3, 0, period, 0.
        if (head.Length >= 16 && head[..8].IndexOfAnyExcept((byte)0) < 0 && head[8] == 3 && head[9..16].IndexOfAnyExcept((byte)0) < 0
            || head.Length >= 8 && head[..4].IndexOfAnyExcept((byte)0) < 0 && head[4] == 3 && head[5..8].IndexOfAnyExcept((byte)0) < 0)
        {
            return TraceInputKind.LegacyPprof;
        }

        // A profile's fields are checked through the whole head (text fails within a few bytes: its bytes are tags of
        // wrong wire types, and a blank line's "\n" opens a sample_type that is no ValueType).
        if (IsProfileProto(head, whole))
        {
            return TraceInputKind.Pprof;
        }

        // Text never holds a NUL byte (names, even hostile ones, are C strings).
        if (head.IndexOf((byte)0) >= 0)
        {
            return TraceInputKind.Unknown;
        }

        var line = FirstLine(head);
        if (line.IsEmpty)
        {
            return TraceInputKind.Empty;
        }

        string start = System.Text.Encoding.Latin1.GetString(line[..Math.Min(line.Length, 40)]);
        if (LegacyTextStarts.Any(s => start.StartsWith(s, StringComparison.Ordinal)))
        {
            return TraceInputKind.LegacyPprof;
        }

        return CollapsedProfile.LooksFolded(line) ? TraceInputKind.Folded : TraceInputKind.PerfScript;
    }

    // The first line that is neither blank nor a '#' comment, or empty.
    private static ReadOnlySpan<byte> FirstLine(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            int newline = bytes.IndexOf((byte)'\n');
            var line = (newline < 0 ? bytes : bytes[..newline]).TrimEnd("\r"u8);
            if (line.Trim(" \t\f"u8).Length > 0 && line[0] != (byte)'#')
            {
                return line;
            }

            bytes = newline < 0 ? default : bytes[(newline + 1)..];
        }

        return default;
    }

    /// <summary>
    /// Whether bytes are the start of a perftools.profiles.Profile: every top-level field one of Profile's with its wire
    /// type, each length within the input (the last may run past a head that is not the whole input), and each
    /// sample_type a ValueType (two numbers).
    /// </summary>
    public static bool IsProfileProto(ReadOnlySpan<byte> bytes, bool whole)
    {
        int fields = 0, i = 0;
        while (i < bytes.Length)
        {
            if (!Varint(bytes, ref i, out ulong tag))
            {
                return !whole && fields > 0; // a head that ends inside a tag
            }

            ulong field = tag >> 3, wire = tag & 7;
            bool message = field is >= 1 and <= 6 or 11;
            bool number = field is >= 7 and <= 10 or 12 or 14 or 15;
            if (message || (field == 13 && wire == 2))
            {
                if (wire != 2)
                {
                    return false;
                }

                if (!Varint(bytes, ref i, out ulong length) || length > (ulong)(bytes.Length - i))
                {
                    return !whole; // a field running past the head: what was read is a profile's start
                }

                if (field == 1 && !IsValueType(bytes.Slice(i, (int)length)))
                {
                    return false;
                }

                i += (int)length;
            }
            else if (number || field == 13)
            {
                if (wire != 0)
                {
                    return false;
                }

                if (!Varint(bytes, ref i, out _))
                {
                    return !whole;
                }
            }
            else
            {
                return false;
            }

            fields++;
        }

        return fields > 0;
    }

    // ValueType: type = 1, unit = 2, both string indexes.
    private static bool IsValueType(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            if (!Varint(bytes, ref i, out ulong tag) || (tag >> 3) is not (1 or 2) || (tag & 7) != 0 || !Varint(bytes, ref i, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Varint(ReadOnlySpan<byte> bytes, ref int i, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && i < bytes.Length; shift += 7)
        {
            byte b = bytes[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
