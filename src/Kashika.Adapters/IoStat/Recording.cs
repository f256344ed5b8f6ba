using System.Globalization;
using System.Text;

namespace Kashika.Adapters.IoStat;

/// <summary>
/// iostat samples kept for later: for each sample, the time it was taken and every file iostat reads, byte for byte.
/// The format is text, appendable, and documented in docs/iostat.md:
/// <code>
/// kashika-iostat-recording 1
/// sample 1764120000123          (milliseconds since the epoch)
/// file proc/uptime 18           (path under the root, then the length of the content in bytes)
/// 7192.55 29212.05\n            (exactly that many bytes, then a newline)
/// …
/// end
/// </code>
/// A sample cut short (an interrupted recording) is ignored when read.
/// </summary>
public sealed class Recording
{
    public const string Header = "kashika-iostat-recording 1";

    private Recording(long time, IReadOnlyDictionary<string, byte[]> files)
    {
        Time = time;
        Files = files;
    }

    public long Time { get; }

    public IReadOnlyDictionary<string, byte[]> Files { get; }

    /// <summary>Reads what iostat needs from a machine's root ("/" for this one).</summary>
    public static Recording Take(string root, long time)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        void Keep(string relative)
        {
            try
            {
                string path = Path.Combine(root, relative);
                if (File.Exists(path))
                {
                    // Read to the end rather than by the reported size: sysfs files claim 4096 bytes and hold fewer.
                    using var file = File.OpenRead(path);
                    var content = new MemoryStream();
                    file.CopyTo(content);
                    files[relative] = content.ToArray();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file that vanished or cannot be read is simply not in this sample, as iostat would not see it.
            }
        }

        foreach (string file in new[] { "proc/uptime", "proc/stat", "proc/diskstats", "proc/devices", "proc/sys/kernel/osrelease", "proc/sys/kernel/hostname" })
        {
            Keep(file);
        }

        string block = Path.Combine(root, "sys/block");
        foreach (string device in Directory.Exists(block) ? Directory.EnumerateFileSystemEntries(block).Select(Path.GetFileName).OfType<string>() : [])
        {
            Keep($"sys/block/{device}/stat");
            Keep($"sys/class/block/{device}/dev");
            string folder = Path.Combine(block, device);
            foreach (string entry in Directory.Exists(folder) ? Directory.EnumerateDirectories(folder).Select(Path.GetFileName).OfType<string>() : [])
            {
                if (File.Exists(Path.Combine(folder, entry, "stat")))
                {
                    Keep($"sys/block/{device}/{entry}/stat");
                    Keep($"sys/class/block/{entry}/dev");
                }
            }
        }

        return new Recording(time, files);
    }

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
        output.Write(text.ToArray());
        output.Flush();
    }

    /// <summary>Writes the sample's files under <paramref name="directory"/>, so it can be read like a machine's root.</summary>
    public void Materialize(string directory)
    {
        foreach (var (path, content) in Files)
        {
            string full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }

        // sysfs's /sys/dev/block/MAJOR:MINOR links, rebuilt from the recorded "dev" files as link-target files.
        foreach (var (path, content) in Files.Where(f => f.Key.StartsWith("sys/class/block/", StringComparison.Ordinal) && f.Key.EndsWith("/dev", StringComparison.Ordinal)))
        {
            string name = path["sys/class/block/".Length..^"/dev".Length];
            string? statDir = Files.Keys.FirstOrDefault(k => k.EndsWith($"/{name}/stat", StringComparison.Ordinal) && k.StartsWith("sys/block/", StringComparison.Ordinal));
            if (statDir is null)
            {
                continue;
            }

            string numbers = Encoding.ASCII.GetString(content).Trim();
            string link = Path.Combine(directory, "sys/dev/block", numbers);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.WriteAllText(link, "../../" + statDir["sys/".Length..^"/stat".Length]);
        }
    }

    /// <exception cref="Kashika.Core.Common.InputException">Not a recording.</exception>
    public static IReadOnlyList<Recording> ReadAll(Stream input, string source)
    {
        var samples = new List<Recording>();
        var reader = new BinaryLines(input);
        if (reader.ReadLine() != Header)
        {
            throw new Kashika.Core.Common.InputException($"{source}: not a kashika iostat recording (its first line is not '{Header}')");
        }

        while (reader.ReadLine() is { } line)
        {
            if (!line.StartsWith("sample ", StringComparison.Ordinal) || !long.TryParse(line.AsSpan(7), CultureInfo.InvariantCulture, out long time))
            {
                throw new Kashika.Core.Common.InputException($"{source}:{reader.LineNumber}: expected 'sample TIME', found '{line}'");
            }

            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            bool complete = false;
            while (reader.ReadLine() is { } entry)
            {
                if (entry == "end")
                {
                    complete = true;
                    break;
                }

                int space = entry.LastIndexOf(' ');
                if (!entry.StartsWith("file ", StringComparison.Ordinal) || space <= 5 || !int.TryParse(entry.AsSpan(space + 1), CultureInfo.InvariantCulture, out int length)
                    || reader.ReadBytes(length) is not { } content)
                {
                    break; // cut short
                }

                files[entry[5..space]] = content;
                reader.ReadLine(); // the newline after the content
            }

            if (!complete)
            {
                break; // an interrupted recording: its last sample is incomplete
            }

            samples.Add(new Recording(time, files));
        }

        return samples;
    }

    // Lines of text between byte blocks of known length.
    private sealed class BinaryLines(Stream stream)
    {
        private readonly BufferedStream input = new(stream, 1 << 16);

        public long LineNumber { get; private set; }

        public string? ReadLine()
        {
            var bytes = new List<byte>();
            int b;
            while ((b = input.ReadByte()) >= 0 && b != '\n')
            {
                bytes.Add((byte)b);
            }

            if (b < 0 && bytes.Count == 0)
            {
                return null;
            }

            LineNumber++;
            return Encoding.UTF8.GetString(bytes.ToArray());
        }

        public byte[]? ReadBytes(int length)
        {
            var buffer = new byte[length];
            int read = input.ReadAtLeast(buffer, length, throwOnEndOfStream: false);
            LineNumber += buffer.AsSpan(0, read).Count((byte)'\n');
            return read == length ? buffer : null;
        }
    }
}
