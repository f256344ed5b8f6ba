using System.Globalization;
using System.Text;

namespace Kashika.Core.IoStat;

/// <summary>
/// One recorded iostat sample: the time it was taken and every file iostat reads, byte for byte, in the order read
/// (so devices replay in the order the machine listed them). The format is text, appendable, and documented in
/// docs/iostat.md:
/// <code>
/// kashika-iostat-recording 1
/// sample 1764120000123          (milliseconds since the epoch)
/// file proc/uptime 18           (path under the root, then the length of the content in bytes)
/// 7192.55 29212.05\n            (exactly that many bytes, then a newline)
/// …
/// end
/// </code>
/// </summary>
public sealed class Recording
{
    public const string Header = "kashika-iostat-recording 1";

    /// <summary>The largest file a recording may hold (a diskstats of a million devices is ~150 MB).</summary>
    public const int MaxFileLength = 256 << 20;

    private static readonly HashSet<string> ProcFiles = new(StringComparer.Ordinal)
    {
        "proc/uptime", "proc/stat", "proc/diskstats", "proc/devices", "proc/sys/kernel/osrelease", "proc/sys/kernel/hostname",
    };

    public Recording(long time, IReadOnlyList<(string Path, byte[] Content)> files)
    {
        Time = time;
        Files = files;
    }

    public long Time { get; }

    public IReadOnlyList<(string Path, byte[] Content)> Files { get; }

    /// <summary>
    /// Whether PATH is one of the files a recording holds: proc/uptime, proc/stat, proc/diskstats, proc/devices,
    /// proc/sys/kernel/{osrelease,hostname}, sys/block/DEV/stat, sys/block/DEV/PART/stat or sys/class/block/DEV/dev.
    /// Nothing else (no "..", no absolute path, no other folder) is ever accepted from a recording.
    /// </summary>
    public static bool IsRecordedPath(string path)
    {
        if (ProcFiles.Contains(path))
        {
            return true;
        }

        string[] parts = path.Split('/');
        return parts switch
        {
            ["sys", "block", var device, "stat"] => IsDeviceName(device),
            ["sys", "block", var device, var partition, "stat"] => IsDeviceName(device) && IsDeviceName(partition),
            ["sys", "class", "block", var device, "dev"] => IsDeviceName(device),
            _ => false,
        };
    }

    // A sysfs entry name: one path segment of printable characters, never "." or "..".
    private static bool IsDeviceName(string name) =>
        name.Length is > 0 and <= 255 && name is not "." and not ".." && !name.Any(c => c < ' ' || c == '\u007f' || c == '/' || c == '\\');

    /// <summary>Appends this sample; the header first when <paramref name="output"/> is empty.</summary>
    public void AppendTo(Stream output)
    {
        var text = new MemoryStream();
        void Line(string line) => text.Write(Encoding.UTF8.GetBytes(line + "\n"));
        if (output.Length == 0)
        {
            Line(Header);
        }

        Line($"sample {Time.ToString(CultureInfo.InvariantCulture)}");
        foreach (var (path, content) in Files)
        {
            Line($"file {path} {content.Length.ToString(CultureInfo.InvariantCulture)}");
            text.Write(content);
            text.WriteByte((byte)'\n');
        }

        Line("end");
        // One write per sample: an interrupted recording loses at most its last sample.
        output.Write(text.GetBuffer(), 0, (int)text.Length);
        output.Flush();
    }
}

/// <summary>
/// Reads a recording one sample at a time (memory bounded by one sample). A recording that ends inside a sample (an
/// interrupted recording) ends with its last whole sample and says so in <see cref="CutShort"/>; anything else that is
/// not the format is an <see cref="Common.InputException"/> naming the line.
/// </summary>
public sealed class RecordingReader
{
    private const int MaxLineLength = 4096;

    private readonly Stream input;
    private readonly string source;
    private readonly byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;
    private bool ended;

    /// <exception cref="Common.InputException">The stream is not a recording.</exception>
    public RecordingReader(Stream input, string source)
    {
        this.input = input;
        this.source = source;
        if (ReadLine() is not { } first || first != Recording.Header)
        {
            throw new Common.InputException($"{source}: not a kashika iostat recording (its first line is not '{Recording.Header}')");
        }
    }

    /// <summary>Lines read so far.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Whole samples read so far.</summary>
    public int Samples { get; private set; }

    /// <summary>Why the recording ended inside a sample, or null when it ended after a whole one.</summary>
    public string? CutShort { get; private set; }

    /// <summary>Reads every sample without keeping them: how many there are, and whether the last one is cut short.</summary>
    /// <exception cref="Common.InputException">The recording is corrupt.</exception>
    public static (int Samples, string? CutShort) Check(Stream input, string source)
    {
        var reader = new RecordingReader(input, source);
        while (reader.Next() is not null)
        {
        }

        return (reader.Samples, reader.CutShort);
    }

    /// <summary>The next whole sample, or null at the end of the recording.</summary>
    /// <exception cref="Common.InputException">The recording is corrupt.</exception>
    public Recording? Next()
    {
        if (CutShort is not null || ReadLine() is not { } line)
        {
            return null;
        }

        long sampleLine = LineNumber;
        if (!line.StartsWith("sample ", StringComparison.Ordinal)
            || !long.TryParse(line.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out long time))
        {
            throw Corrupt($"expected 'sample TIME', found '{Shown(line)}'");
        }

        var files = new List<(string, byte[])>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            if (ReadLine() is not { } entry)
            {
                return Cut(sampleLine);
            }

            if (entry == "end")
            {
                Samples++;
                return new Recording(time, files);
            }

            int space = entry.LastIndexOf(' ');
            if (!entry.StartsWith("file ", StringComparison.Ordinal) || space <= 5)
            {
                throw Corrupt($"expected 'file PATH LENGTH' or 'end', found '{Shown(entry)}'");
            }

            string path = entry[5..space];
            if (!Recording.IsRecordedPath(path))
            {
                throw Corrupt($"'{Shown(path)}' is not a file a recording holds (proc/… or sys/… as iostat reads them)");
            }

            if (!seen.Add(path))
            {
                throw Corrupt($"{Shown(path)} is recorded twice in one sample");
            }

            if (!int.TryParse(entry.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length > Recording.MaxFileLength)
            {
                throw Corrupt($"the length of {Shown(path)} must be a whole number of bytes up to {Recording.MaxFileLength}, not '{Shown(entry[(space + 1)..])}'");
            }

            if (input.CanSeek && length > input.Length - input.Position + (end - start))
            {
                return Cut(sampleLine); // the content runs past the end: never allocate what is not there
            }

            byte[] content = new byte[length];
            if (!ReadExactly(content))
            {
                return Cut(sampleLine);
            }

            LineNumber += content.AsSpan().Count((byte)'\n');
            int after = ReadByte();
            if (after < 0)
            {
                return Cut(sampleLine);
            }

            if (after != '\n')
            {
                throw Corrupt($"the content of {Shown(path)} is not {length} bytes followed by a newline");
            }

            LineNumber++;
            files.Add((path, content));
        }
    }

    private Recording? Cut(long sampleLine)
    {
        CutShort = $"the sample that starts at line {sampleLine} is cut short (an interrupted recording)";
        return null;
    }

    private Common.InputException Corrupt(string what) => Common.InputException.At(source, LineNumber, what);

    // Input quoted in a message: control characters escaped, long text shortened.
    private static string Shown(string text)
    {
        var shown = new StringBuilder();
        foreach (char c in text.Length > 120 ? text[..120] : text)
        {
            shown.Append(c < ' ' || c == '\u007f' ? $"\\x{(int)c:x2}" : c.ToString());
        }

        return text.Length > 120 ? shown.Append('…').ToString() : shown.ToString();
    }

    private string? ReadLine()
    {
        var line = new List<byte>();
        while (true)
        {
            if (start == end && !Fill())
            {
                if (line.Count > 0)
                {
                    LineNumber++;
                    CutShort ??= $"line {LineNumber} is cut short (an interrupted recording)";
                }

                return null;
            }

            int newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            int stop = newline < 0 ? end : newline;
            line.AddRange(buffer.AsSpan(start, stop - start));
            if (line.Count > MaxLineLength)
            {
                LineNumber++;
                throw Corrupt($"a line longer than {MaxLineLength} bytes: not a recording's line");
            }

            start = newline < 0 ? end : newline + 1;
            if (newline >= 0)
            {
                LineNumber++;
                return Encoding.UTF8.GetString(line.ToArray());
            }
        }
    }

    private int ReadByte()
    {
        if (start == end && !Fill())
        {
            return -1;
        }

        return buffer[start++];
    }

    private bool ReadExactly(byte[] content)
    {
        int buffered = Math.Min(end - start, content.Length);
        buffer.AsSpan(start, buffered).CopyTo(content);
        start += buffered;
        return buffered == content.Length
            || input.ReadAtLeast(content.AsSpan(buffered), content.Length - buffered, throwOnEndOfStream: false) == content.Length - buffered;
    }

    private bool Fill()
    {
        if (ended)
        {
            return false;
        }

        start = 0;
        end = input.Read(buffer, 0, buffer.Length);
        ended = end == 0;
        return !ended;
    }
}
