namespace Kashika.Core.IoStat;

/// <summary>A device named on the command line, and whether its partitions are wanted too (-p NAME); or, with
/// <paramref name="IsGroup"/>, a group (-g NAME) that gathers the devices named after it.</summary>
public sealed record RequestedDevice(string Name, bool WithPartitions, bool IsGroup = false);

/// <summary>The unit of iostat's amounts: -k (the default), -m, -G, or 512-byte blocks (POSIXLY_CORRECT without -k).</summary>
public enum IoStatUnit
{
    Blocks,
    Kilobytes,
    Megabytes,
    Gigabytes,
}

public static class IoStatUnits
{
    /// <summary>How many 512-byte sectors make one unit.</summary>
    public static int Sectors(this IoStatUnit unit) => unit switch
    {
        IoStatUnit.Kilobytes => 2,
        IoStatUnit.Megabytes => 2 * 1024,
        IoStatUnit.Gigabytes => 2 * 1024 * 1024,
        _ => 1,
    };

    /// <summary>The unit in column names and JSON keys ("kB"); <paramref name="blocks"/> for blocks ("Blk", or "sec" in
    /// an extended report).</summary>
    public static string Label(this IoStatUnit unit, string blocks) => unit switch
    {
        IoStatUnit.Kilobytes => "kB",
        IoStatUnit.Megabytes => "MB",
        IoStatUnit.Gigabytes => "GB",
        _ => blocks,
    };
}

/// <summary>The options of sysstat's iostat that shape a report.</summary>
public sealed record IoStatOptions
{
    public bool Cpu { get; init; }

    public bool Disk { get; init; }

    public bool Extended { get; init; }

    public bool Short { get; init; }

    public IoStatUnit Unit { get; init; } = IoStatUnit.Kilobytes;

    /// <summary>-p (ALL): read every device and partition from /proc/diskstats.</summary>
    public bool Everything { get; init; }

    /// <summary>Devices were named: show them even when idle since boot.</summary>
    public bool Unfiltered { get; init; }

    /// <summary>ALL, or no device named: every whole device in /sys/block.</summary>
    public bool AllDevices { get; init; }

    public bool OmitIdle { get; init; }

    public bool OmitSinceBoot { get; init; }

    public bool Timestamp { get; init; }

    /// <summary>-U: timestamps in seconds since the epoch.</summary>
    public bool EpochTimestamps { get; init; }

    /// <summary>--dec=N; -1 when not given.</summary>
    public int DecimalPlaces { get; init; } = -1;

    /// <summary>Seconds between reports; 0 for one report.</summary>
    public long Interval { get; init; }

    /// <summary>Reports to print; -1 for no end.</summary>
    public long Count { get; init; } = 1;

    /// <summary>--human (or -h): sizes with units (k, M, G…), percentages with a '%'.</summary>
    public bool Human { get; init; }

    /// <summary>--pretty (or -h): the device name last; an extended report in four tables.</summary>
    public bool Pretty { get; init; }

    /// <summary>--compact: a pretty extended report in one table.</summary>
    public bool Compact { get; init; }

    /// <summary>-N: show device-mapper devices by their registered names (/dev/mapper).</summary>
    public bool DeviceMapperNames { get; init; }

    /// <summary>-j TYPE: name devices by their persistent names in /dev/disk/by-TYPE (id, label, path, uuid…).</summary>
    public string? PersistentNameType { get; init; }

    /// <summary>-o JSON: sysstat's JSON document instead of tables.</summary>
    public bool Json { get; init; }

    /// <summary>-H: show the groups' totals only.</summary>
    public bool GroupTotalsOnly { get; init; }

    public IReadOnlyList<RequestedDevice> Devices { get; init; } = [];
}
