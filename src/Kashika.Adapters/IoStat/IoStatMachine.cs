using System.Globalization;
using System.Runtime.InteropServices;
using Kashika.Core.Common;
using Kashika.Core.IoStat;

namespace Kashika.Adapters.IoStat;

/// <summary>
/// The machine iostat reports on: this one or copies of others under roots (<see cref="Live"/>), this one while a
/// recording of it is made (<see cref="Recorded"/>), or a recording (<see cref="Replay"/>). It gives the counters, the
/// time of each report and the files of the banner.
/// </summary>
public sealed class IoStatMachine
{
    private readonly Func<string, string?> file;

    private IoStatMachine(ISystemSource source, Func<int, DateTimeOffset> time, Func<string, string?> file)
    {
        Source = source;
        Time = time;
        this.file = file;
    }

    public ISystemSource Source { get; }

    /// <summary>The local time of the report of that index: the sample's own time in a recording.</summary>
    public Func<int, DateTimeOffset> Time { get; }

    /// <summary>After a replay: how many samples it gave of how many (null otherwise).</summary>
    public Func<string>? Replayed { get; private init; }

    /// <summary>A replay's recording ends inside a sample: said, and that sample left out (null otherwise).</summary>
    public string? CutShort { get; private init; }

    /// <summary>The host name in the banner.</summary>
    public string Host => Read("proc/sys/kernel/hostname") ?? "";

    /// <summary>The kernel release in the banner.</summary>
    public string Kernel => Read("proc/sys/kernel/osrelease") ?? "";

    /// <summary>sysstat's banner line of this machine (its day from <paramref name="clock"/>, as sysstat does).</summary>
    public MachineBanner Banner(TimeProvider clock)
    {
        string stat = Read("proc/stat") ?? "";
        int cpus = stat.Split('\n').Count(l => l.StartsWith("cpu", StringComparison.Ordinal) && l.Length > 3 && char.IsAsciiDigit(l[3]));
        string architecture = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            var other => other.ToString().ToLowerInvariant(),
        };
        string Or(string text) => text.Length == 0 ? "?" : text;
        return new MachineBanner(Or(Kernel), Or(Host), architecture, cpus, clock.GetLocalNow().ToString("MM/dd/yy", CultureInfo.InvariantCulture));
    }

    private string? Read(string relative) => file(relative)?.Trim();

    /// <summary>This machine's /proc and /sys under <paramref name="roots"/> ("/" for this one); with several, each report
    /// reads the next root and nothing sleeps.</summary>
    public static IoStatMachine Live(IReadOnlyList<string> roots, AlternateStatistics? alternate, TimeSpan interval, TimeProvider clock)
    {
        var source = new RootSystemSource(roots, interval, Thread.Sleep, alternate?.Directory, alternate?.AsWell ?? false);
        var start = clock.GetLocalNow();
        return new IoStatMachine(source, report => roots.Count > 1 ? start.AddSeconds(interval.TotalSeconds * report) : clock.GetLocalNow(), source.ReadText);
    }

    /// <summary>A recording, checked whole before its first sample is given.</summary>
    /// <param name="name">The recording as the user named it, for messages.</param>
    /// <exception cref="InputException">Missing, corrupt, or without one whole sample.</exception>
    /// <param name="clock">Its local time zone is the one times are shown in.</param>
    public static IoStatMachine Replay(Stream recording, string name, TimeProvider clock)
    {
        var (count, cutShort) = RecordingReader.Check(recording, name);
        if (count == 0)
        {
            throw new InputException($"{name}: no complete sample in this recording{(cutShort is null ? "" : $" ({cutShort})")}");
        }

        recording.Position = 0;
        var reader = new RecordingReader(recording, name);
        var recorded = new RecordedSystemSource(reader.Next()!, reader.Next);
        return new IoStatMachine(recorded, _ => Local(recorded.Current.Time, clock), FileOf(recorded.Current))
        {
            Replayed = () => $"{name}: replayed {reader.Samples} of its {count} whole samples",
            CutShort = cutShort,
        };
    }

    /// <summary>This machine, each sample copied into <paramref name="recording"/> before it is reported.</summary>
    /// <param name="wait">Waits the interval; false when the recording is to end (an interrupt).</param>
    public static IoStatMachine Recorded(string root, Stream recording, TimeSpan interval, Func<TimeSpan, bool> wait, TimeProvider clock)
    {
        var recorder = MachineRecorder.Start(root, recording, interval, wait, clock);
        return new IoStatMachine(recorder, _ => Local(recorder.Current.Time, clock), FileOf(recorder.Current));
    }

    private static DateTimeOffset Local(long unixMilliseconds, TimeProvider clock) =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds), clock.LocalTimeZone);

    // A file of the machine's first sample, or null.
    private static Func<string, string?> FileOf(Recording sample) =>
        relative => sample.Files.FirstOrDefault(f => f.Path == relative).Content is { } content ? System.Text.Encoding.UTF8.GetString(content) : null;
}
