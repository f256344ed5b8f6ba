using System.Text;

namespace Kashika.Core.IoStat;

/// <summary>
/// A machine as recorded: each sample's files served from memory, one sample after the other. Replaying a recording
/// writes nothing to disk. A recording keeps /proc and /sys only, so /dev lookups (-N, -j) find nothing.
/// </summary>
public sealed class RecordedSystemSource : ISystemSource
{
    private readonly Func<Recording?> next;
    private Sample current;

    /// <param name="first">The first sample.</param>
    /// <param name="next">The sample after the current one, or null when there is no more.</param>
    public RecordedSystemSource(Recording first, Func<Recording?> next)
    {
        this.next = next;
        current = new Sample(first);
    }

    /// <summary>The sample being read.</summary>
    public Recording Current => current.Recording;

    public bool Advance()
    {
        if (next() is not { } sample)
        {
            return false;
        }

        current = new Sample(sample);
        return true;
    }

    public string? Uptime() => current.Text("proc/uptime");

    public string? Stat() => current.Text("proc/stat");

    public IReadOnlyList<string> Diskstats() => current.Text("proc/diskstats")?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];

    public IReadOnlyList<(string Name, string Stat)> BlockDevices() =>
        current.Devices.Select(d => (Name: d.Replace('!', '/'), Stat: current.Text($"sys/block/{d}/stat")))
            .Where(d => d.Stat is not null).Select(d => (d.Name, d.Stat!)).ToList();

    public string? BlockStat(string name) => current.Text($"sys/block/{name.Replace('/', '!')}/stat");

    public IReadOnlyList<(string Name, string Stat)> Partitions(string device) =>
        current.PartitionsOf.TryGetValue(device.Replace('/', '!'), out var partitions)
            ? partitions.Select(p => (p.Replace('!', '/'), current.Text($"sys/block/{device.Replace('/', '!')}/{p}/stat")!)).ToList()
            : [];

    public string? DevBlockStat(uint major, uint minor) =>
        current.ByNumbers.TryGetValue((major, minor), out string? name) ? current.Text(current.StatPath[name]) : null;

    public bool IsWholeDevice(string name) => current.PartitionsOf.ContainsKey(name.Replace('/', '!'));

    public (uint Major, uint Minor)? DeviceNumbers(string name) => current.Numbers(name.Replace('/', '!'));

    public uint? DeviceMapperMajor() => ProcParsers.DeviceMapperMajor(current.Text("proc/devices") ?? "");

    public IReadOnlyList<string> DeviceMapperNames() => [];

    public string? DeviceMapperTarget(string registered) => null;

    public bool HasPersistentNames(string type) => false;

    public IReadOnlyList<string> PersistentNames(string type) => [];

    public string? PersistentTarget(string type, string name) => null;

    public string? KernelName(uint major, uint minor) => current.ByNumbers.GetValueOrDefault((major, minor));

    /// <summary>One sample's files, with the device tables sysfs's folders and links would give.</summary>
    private sealed class Sample
    {
        private readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);

        public Sample(Recording recording)
        {
            Recording = recording;
            foreach (var (path, content) in recording.Files)
            {
                files[path] = content;
                string[] parts = path.Split('/');
                if (parts is ["sys", "block", var device, ..])
                {
                    if (!PartitionsOf.TryGetValue(device, out var partitions))
                    {
                        PartitionsOf[device] = partitions = [];
                        Devices.Add(device);
                    }

                    if (parts is [_, _, _, var partition, "stat"])
                    {
                        partitions.Add(partition);
                        StatPath[partition] = path;
                    }
                    else
                    {
                        StatPath[device] = path;
                    }
                }
            }

            // sysfs's /sys/dev/block/MAJOR:MINOR links, from the recorded sys/class/block/NAME/dev files.
            foreach (string name in StatPath.Keys)
            {
                if (Numbers(name) is { } numbers)
                {
                    ByNumbers.TryAdd(numbers, name);
                }
            }
        }

        public Recording Recording { get; }

        /// <summary>The devices of sys/block, in the order recorded.</summary>
        public List<string> Devices { get; } = [];

        /// <summary>Each device of sys/block and its partitions, in the order recorded.</summary>
        public Dictionary<string, List<string>> PartitionsOf { get; } = new(StringComparer.Ordinal);

        /// <summary>The stat file of every device and partition, by its sysfs name.</summary>
        public Dictionary<string, string> StatPath { get; } = new(StringComparer.Ordinal);

        public Dictionary<(uint, uint), string> ByNumbers { get; } = [];

        public string? Text(string path) => files.TryGetValue(path, out byte[]? content) ? Encoding.UTF8.GetString(content) : null;

        public (uint Major, uint Minor)? Numbers(string name) =>
            Text($"sys/class/block/{name}/dev")?.Trim().Split(':') is [var major, var minor]
            && uint.TryParse(major, out uint ma) && uint.TryParse(minor, out uint mi) ? (ma, mi) : null;
    }
}
