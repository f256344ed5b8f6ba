namespace Kashika.Core.IoStat;

/// <summary>Reads, writes or discards of one interval: the six figures iostat prints for each kind.</summary>
/// <param name="SectorsPerSecond">Still in 512-byte sectors; the report divides by its unit.</param>
/// <param name="RequestSectors">Mean request size, still in sectors.</param>
public readonly record struct KindRates(double PerSecond, double SectorsPerSecond, double MergesPerSecond, double MergedPercent, double Await, double RequestSectors);

/// <summary>
/// Every figure of one device over one interval, computed once as sysstat computes it (unsigned differences, the
/// kernel's 32-bit tick fields wrapping, a counter that went down read as 0 where sysstat does; io_ticks and
/// time_in_queue taken across a 32-bit wrap, where sysstat 12.7+ reads 0) and shared by the text and JSON reports.
/// </summary>
public sealed class DeviceRates
{
    private DeviceRates(DiskCounters ioi, DiskCounters ioj, ulong itv)
    {
        // C's unsigned arithmetic, as sysstat's: counters at the top of 64 bits wrap rather than stop the report.
        unchecked
        {
            ulong ios = ioi.RdIos + ioi.WrIos + ioi.DcIos, previousIos = ioj.RdIos + ioj.WrIos + ioj.DcIos;
            ulong merges = ioi.RdMerges + ioi.WrMerges + ioi.DcMerges, previousMerges = ioj.RdMerges + ioj.WrMerges + ioj.DcMerges;
            Read = Kind(ioi.RdIos, ioj.RdIos, ioi.RdMerges, ioj.RdMerges, ioi.RdTicks, ioj.RdTicks, ioi.RdSectors, ioj.RdSectors, itv);
            Write = Kind(ioi.WrIos, ioj.WrIos, ioi.WrMerges, ioj.WrMerges, ioi.WrTicks, ioj.WrTicks, ioi.WrSectors, ioj.WrSectors, itv);
            Discard = Kind(ioi.DcIos, ioj.DcIos, ioi.DcMerges, ioj.DcMerges, ioi.DcTicks, ioj.DcTicks, ioi.DcSectors, ioj.DcSectors, itv);
            FlushesPerSecond = PerSecondOrZero(ioj.FlIos, ioi.FlIos, itv);
            FlushAwait = ioi.FlIos > ioj.FlIos ? unchecked(ioi.FlTicks - ioj.FlTicks) / (double)(ioi.FlIos - ioj.FlIos) : 0;
            QueueSize = (double)Forward(ioi.RqTicks, ioj.RqTicks) / itv * 100 / 1000.0;
            BusyPercent = (double)Forward(ioi.TotTicks, ioj.TotTicks) / itv * 100 / 10.0;
            Wrapped = (ioi.RqTicks < ioj.RqTicks && QueueSize > 0) || (ioi.TotTicks < ioj.TotTicks && BusyPercent > 0);

            // The basic report's tps is not guarded against counters that went down; the -xs one is.
            Transfers = PerSecond(previousIos, ios, itv);
            GuardedTransfers = ios < previousIos ? 0 : Transfers;
            MergesPerSecond = merges < previousMerges ? 0 : PerSecond(previousMerges, merges, itv);
            uint ticks = unchecked((ioi.RdTicks - ioj.RdTicks) + (ioi.WrTicks - ioj.WrTicks) + (ioi.DcTicks - ioj.DcTicks));
            ulong sectors = unchecked((ioi.RdSectors - ioj.RdSectors) + (ioi.WrSectors - ioj.WrSectors) + (ioi.DcSectors - ioj.DcSectors));
            Await = ios > previousIos ? ticks / (double)(ios - previousIos) : 0;
            RequestSectors = ios > previousIos ? sectors / (double)(ios - previousIos) : 0;

            ReadSectorsPerSecond = PerSecond(ioj.RdSectors, ioi.RdSectors, itv);
            WrittenSectorsPerSecond = PerSecond(ioj.WrSectors, ioi.WrSectors, itv);
            DiscardedSectorsPerSecond = PerSecond(ioj.DcSectors, ioi.DcSectors, itv);
            ReadSectors = Sectors(ioi.RdSectors, ioj.RdSectors);
            WrittenSectors = Sectors(ioi.WrSectors, ioj.WrSectors);
            DiscardedSectors = Sectors(ioi.DcSectors, ioj.DcSectors);
        }
    }

    public KindRates Read { get; }

    public KindRates Write { get; }

    public KindRates Discard { get; }

    public double FlushesPerSecond { get; }

    public double FlushAwait { get; }

    /// <summary>aqu-sz: the mean number of requests in flight.</summary>
    public double QueueSize { get; }

    /// <summary>%util of one device (a group divides by its members).</summary>
    public double BusyPercent { get; }

    /// <summary>io_ticks or time_in_queue passed 2^32 ms since the previous sample, and %util or aqu-sz were taken across
    /// the wrap (sysstat 12.7 and later print 0.00 there; docs/iostat.md, "Fixed on purpose").</summary>
    public bool Wrapped { get; }

    /// <summary>tps of the basic report.</summary>
    public double Transfers { get; }

    /// <summary>tps of the -xs report.</summary>
    public double GuardedTransfers { get; }

    public double MergesPerSecond { get; }

    public double Await { get; }

    public double RequestSectors { get; }

    /// <summary>Basic report rates (not guarded: a counter that went down gives what C's unsigned arithmetic gives).</summary>
    public double ReadSectorsPerSecond { get; }

    public double WrittenSectorsPerSecond { get; }

    public double DiscardedSectorsPerSecond { get; }

    /// <summary>Sectors over the interval, a 32-bit wrap of an old kernel's counter corrected once.</summary>
    public ulong ReadSectors { get; }

    public ulong WrittenSectors { get; }

    public ulong DiscardedSectors { get; }

    public static DeviceRates Compute(DiskCounters current, DiskCounters previous, ulong itv) => new(current, previous, itv);

    // S_VALUE: a counter's difference per second; the interval is in hundredths of a second.
    private static double PerSecond(ulong previous, ulong current, ulong itv) => (double)unchecked(current - previous) / itv * 100;

    private static double PerSecondOrZero(ulong previous, ulong current, ulong itv) => current < previous ? 0 : PerSecond(previous, current, itv);

    // A 32-bit tick field's advance. Below its previous value it either wrapped past 2^32 (the way forward, modulo 2^32,
    // is the shorter one: less than half the range) or stepped back a little (per-CPU sums read mid-update), which
    // reads as 0, as sysstat reads any step down.
    private static uint Forward(uint current, uint previous)
    {
        uint advance = unchecked(current - previous);
        return current >= previous || advance < 0x8000_0000u ? advance : 0;
    }

    private static ulong Sectors(ulong current, ulong previous) =>
        current < previous && previous <= 0xffffffff ? unchecked(current - previous) & 0xffffffff : unchecked(current - previous);

    private static KindRates Kind(ulong ios, ulong previousIos, ulong merges, ulong previousMerges, uint ticks, uint previousTicks, ulong sectors, ulong previousSectors, ulong itv)
    {
        ulong dIos = unchecked(ios - previousIos);
        ulong dMerges = unchecked(merges - previousMerges);
        return new KindRates(
            PerSecondOrZero(previousIos, ios, itv),
            sectors < previousSectors ? 0 : PerSecond(previousSectors, sectors, itv),
            PerSecondOrZero(previousMerges, merges, itv),
            unchecked(dMerges + dIos) != 0 ? (double)dMerges / unchecked(dMerges + dIos) * 100 : 0,
            ios > previousIos ? unchecked(ticks - previousTicks) / (double)dIos : 0,
            ios > previousIos ? unchecked(sectors - previousSectors) / (double)dIos : 0);
    }
}
