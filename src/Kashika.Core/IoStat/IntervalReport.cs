namespace Kashika.Core.IoStat;

public enum DeviceKind
{
    Disk,
    Partition,
    Group,
}

/// <summary>avg-cpu of one report, in percent (%system includes interrupt time, as iostat shows it).</summary>
public readonly record struct CpuShares(double User, double Nice, double System, double Iowait, double Steal, double Idle);

/// <summary>One device's figures over one interval; a group's %util is its members' mean.</summary>
public sealed record DeviceInterval(string Name, DeviceKind Kind, DeviceRates Rates, int Members)
{
    public double Util => Rates.BusyPercent / Members;
}

/// <summary>One report of the extended statistics as numbers rather than text: what charts and metrics are made of.</summary>
/// <param name="Index">0 for the first report printed (the since-boot one unless it is left out).</param>
public sealed record IntervalReport(int Index, CpuShares Cpu, IReadOnlyList<DeviceInterval> Devices);
