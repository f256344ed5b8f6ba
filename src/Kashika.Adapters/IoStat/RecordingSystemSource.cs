using Kashika.Core.IoStat;

namespace Kashika.Adapters.IoStat;

/// <summary>
/// A live source that records: each sample is first copied from the machine (<see cref="Recording.Take"/>), appended
/// to the recording, and then read from that copy, so a replay prints exactly what was printed live.
/// </summary>
public sealed class RecordingSystemSource : ISystemSource, IDisposable
{
    private readonly string root;
    private readonly Stream recording;
    private readonly TimeSpan interval;
    private readonly Action<TimeSpan> sleep;
    private readonly TimeProvider clock;
    private readonly string scratch = Path.Combine(Path.GetTempPath(), "kashika-iostat-" + Guid.NewGuid().ToString("N")[..12]);
    private RootSystemSource current = null!;
    private int sample;

    public RecordingSystemSource(string root, Stream recording, TimeSpan interval, Action<TimeSpan> sleep, TimeProvider clock)
    {
        this.root = root;
        this.recording = recording;
        this.interval = interval;
        this.sleep = sleep;
        this.clock = clock;
        Next();
    }

    /// <summary>The time of the sample being read.</summary>
    public DateTimeOffset SampleTime { get; private set; }

    private void Next()
    {
        SampleTime = clock.GetUtcNow();
        var taken = Recording.Take(root, SampleTime.ToUnixTimeMilliseconds());
        taken.AppendTo(recording);
        string directory = Path.Combine(scratch, (sample++).ToString(System.Globalization.CultureInfo.InvariantCulture));
        taken.Materialize(directory);
        current = new RootSystemSource([directory], TimeSpan.Zero, _ => { });
        if (sample > 2)
        {
            Directory.Delete(Path.Combine(scratch, (sample - 3).ToString(System.Globalization.CultureInfo.InvariantCulture)), recursive: true);
        }
    }

    public bool Advance()
    {
        sleep(interval);
        Next();
        return true;
    }

    public string? Uptime() => current.Uptime();

    public string? Stat() => current.Stat();

    public IReadOnlyList<string> Diskstats() => current.Diskstats();

    public IReadOnlyList<(string Name, string Stat)> BlockDevices() => current.BlockDevices();

    public string? BlockStat(string name) => current.BlockStat(name);

    public IReadOnlyList<(string Name, string Stat)> Partitions(string device) => current.Partitions(device);

    public string? DevBlockStat(uint major, uint minor) => current.DevBlockStat(major, minor);

    public bool IsWholeDevice(string name) => current.IsWholeDevice(name);

    public (uint Major, uint Minor)? DeviceNumbers(string name) => current.DeviceNumbers(name);

    public uint? DeviceMapperMajor() => current.DeviceMapperMajor();

    public IReadOnlyList<string> DeviceMapperNames() => current.DeviceMapperNames();

    public string? DeviceMapperTarget(string registered) => current.DeviceMapperTarget(registered);

    public bool HasPersistentNames(string type) => current.HasPersistentNames(type);

    public IReadOnlyList<string> PersistentNames(string type) => current.PersistentNames(type);

    public string? PersistentTarget(string type, string name) => current.PersistentTarget(type, name);

    public string? KernelName(uint major, uint minor) => current.KernelName(major, minor);

    public void Dispose()
    {
        try
        {
            Directory.Delete(scratch, recursive: true);
        }
        catch (IOException)
        {
            // Temporary files; the OS cleans them eventually.
        }
    }
}
