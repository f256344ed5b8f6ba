namespace Kashika.Core.IoStat;

/// <summary>
/// One block device's counters as the kernel exports them (/proc/diskstats, /sys/block/*/stat). The widths are the
/// kernel's and sysstat's: the tick and in-flight fields are 32-bit and wrap, the others are 64-bit.
/// </summary>
public struct DiskCounters
{
    public ulong RdIos, RdMerges, RdSectors;
    public uint RdTicks;
    public ulong WrIos, WrMerges, WrSectors;
    public uint WrTicks, IosPgr, TotTicks, RqTicks;
    public ulong DcIos, DcMerges, DcSectors;
    public uint DcTicks;
    public ulong FlIos;
    public uint FlTicks;

    /// <summary>Reads the values after "major minor name" of a diskstats line (or a sysfs stat file) as sysstat does:
    /// 11 or more values (14 or more fields in diskstats) are a full entry, 4 a partition of an old kernel.</summary>
    /// <returns>False for an entry of another length, which sysstat ignores.</returns>
    public static bool TryFrom(ReadOnlySpan<ulong> values, bool extendedOnly, out DiskCounters counters)
    {
        counters = default;
        if (values.Length >= 11)
        {
            counters.RdIos = values[0];
            counters.RdMerges = values[1];
            counters.RdSectors = values[2];
            counters.RdTicks = unchecked((uint)values[3]);
            counters.WrIos = values[4];
            counters.WrMerges = values[5];
            counters.WrSectors = values[6];
            counters.WrTicks = unchecked((uint)values[7]);
            counters.IosPgr = unchecked((uint)values[8]);
            counters.TotTicks = unchecked((uint)values[9]);
            counters.RqTicks = unchecked((uint)values[10]);
            if (values.Length >= 15)
            {
                counters.DcIos = values[11];
                counters.DcMerges = values[12];
                counters.DcSectors = values[13];
                counters.DcTicks = unchecked((uint)values[14]);
            }

            if (values.Length >= 17)
            {
                counters.FlIos = values[15];
                counters.FlTicks = unchecked((uint)values[16]);
            }

            return true;
        }

        if (values.Length == 4 && !extendedOnly)
        {
            // Kernels before 2.6.25 gave partitions only reads, read sectors, writes and written sectors.
            counters.RdIos = values[0];
            counters.RdSectors = values[1];
            counters.WrIos = values[2];
            counters.WrSectors = values[3];
            return true;
        }

        return false;
    }
}

/// <summary>The "cpu" line of /proc/stat, in jiffies.</summary>
public readonly record struct CpuCounters(
    ulong User, ulong Nice, ulong System, ulong Idle, ulong Iowait, ulong Hardirq, ulong Softirq, ulong Steal, ulong Guest, ulong GuestNice)
{
    /// <summary>All jiffies; guest time is already inside user and nice.</summary>
    public ulong Total => unchecked(User + Nice + System + Idle + Iowait + Hardirq + Steal + Softirq); // wraps as in C
}
