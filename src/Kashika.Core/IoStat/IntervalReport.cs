namespace Kashika.Core.IoStat;

public enum DeviceKind
{
    Disk,
    Partition,
    Group,
}

/// <summary>avg-cpu of one report, in percent (%system includes interrupt time, as iostat shows it).</summary>
public readonly record struct CpuShares(double User, double Nice, double System, double Iowait, double Steal, double Idle);

/// <summary>
/// One device over one interval: its counters at both ends (the previous ones zero since boot, or after the device was
/// removed and added again), the interval in clock ticks, and its figures. A group's counters are its members' sums
/// and its %util their mean.
/// </summary>
public sealed record DeviceInterval(string Name, DeviceKind Kind, DiskCounters Current, DiskCounters Previous, ulong Interval, int Members)
{
    public DeviceRates Rates { get; } = DeviceRates.Compute(Current, Previous, Interval);

    public double Util => Rates.BusyPercent / Members;
}

/// <summary>One report of iostat as numbers: what every format (text, JSON, metrics, charts) is made of.</summary>
/// <param name="Index">How many reports were shown before this one (0 for the first: the since-boot one unless left out).</param>
/// <param name="LeftOut">The since-boot report that -y leaves out: read (it is the first sample) but not shown.</param>
/// <param name="Tables">The device rows of each table the report is printed as (see <see cref="IoStatEngine.Reports"/>).</param>
public sealed record IntervalReport(int Index, bool LeftOut, CpuShares Cpu, IReadOnlyList<IReadOnlyList<DeviceInterval>> Tables)
{
    /// <summary>The devices, groups and partitions of the report, in order.</summary>
    public IReadOnlyList<DeviceInterval> Devices => Tables[0];
}

/// <summary>The machine a report describes, as sysstat's banner names it.</summary>
/// <param name="Architecture">"x86_64", "aarch64"…</param>
/// <param name="Date">The day of the run, MM/dd/yy.</param>
public sealed record MachineBanner(string Release, string Host, string Architecture, int Cpus, string Date);
