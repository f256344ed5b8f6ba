using Kashika.Core.IoStat;

namespace Kashika.Adapters.IoStat;

/// <summary>
/// Records a live machine: each sample is first copied from the machine (<see cref="Take"/>), appended to the
/// recording, and then read from that copy in memory, exactly as a replay reads it, so a replay prints exactly what
/// was printed live.
/// </summary>
public static class MachineRecorder
{
    /// <summary>A source that reads <paramref name="root"/> every <paramref name="interval"/>, recording each sample.</summary>
    /// <param name="wait">Waits one interval; false when the recording is to stop there (Ctrl-C).</param>
    public static RecordedSystemSource Start(string root, Stream recording, TimeSpan interval, Func<TimeSpan, bool> wait, TimeProvider clock)
    {
        Recording Sample()
        {
            var taken = Take(root, clock.GetUtcNow().ToUnixTimeMilliseconds());
            taken.AppendTo(recording);
            return taken;
        }

        return new RecordedSystemSource(Sample(), () => wait(interval) ? Sample() : null);
    }

    /// <summary>
    /// Whether a file may be appended to: empty, or ending with a whole sample. A recording cut short must not be
    /// extended, since its next sample would be read as the rest of the cut one.
    /// </summary>
    public static bool EndsWithWholeSample(Stream recording)
    {
        if (recording.Length == 0)
        {
            return true;
        }

        if (recording.Length < 4)
        {
            return false;
        }

        Span<byte> tail = stackalloc byte[4];
        recording.Seek(-4, SeekOrigin.End);
        recording.ReadExactly(tail);
        recording.Seek(0, SeekOrigin.End);
        return tail.SequenceEqual("end\n"u8);
    }

    /// <summary>Reads what iostat needs from a machine's root ("/" for this one), in the order the machine lists it.</summary>
    public static Recording Take(string root, long time)
    {
        var files = new List<(string, byte[])>();
        void Keep(string relative)
        {
            try
            {
                string path = Path.Combine(root, relative);
                if (File.Exists(path))
                {
                    // Read to the end rather than by the reported size: sysfs files claim 4096 bytes and hold fewer.
                    files.Add((relative, FileSystem.BoundedFile.ReadAllBytes(path, RootSystemSource.MaxFile, path)));
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
}
