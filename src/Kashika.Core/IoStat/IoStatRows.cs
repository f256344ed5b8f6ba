using System.Text;

namespace Kashika.Core.IoStat;

/// <summary>One device's row of an iostat report, column for column as sysstat prints it.</summary>
public static class IoStatRows
{
    // S_VALUE: a counter's difference per second; the interval is in hundredths of a second.
    private static double PerSecond(ulong previous, ulong current, ulong itv) => (double)unchecked(current - previous) / itv * 100;

    private static double PerSecondOrZero(ulong previous, ulong current, ulong itv) => current < previous ? 0 : PerSecond(previous, current, itv);

    private static int Decimals(int wanted, IoStatOptions options) => wanted > 0 && options.DecimalPlaces >= 0 ? options.DecimalPlaces : wanted;

    private static string Value(double value, int width, IoStatOptions options) => CFormat.Column(value, width, Decimals(2, options));

    public static string Percent(double value, int width, IoStatOptions options) => CFormat.Column(value, width, Decimals(2, options));

    public static string Basic(string name, DiskCounters ioi, DiskCounters ioj, ulong itv, int factor, IoStatOptions options)
    {
        // A sector counter below its previous value wrapped at 32 bits (an old kernel) when the previous value fitted.
        static ulong Sectors(ulong current, ulong previous) =>
            current < previous && previous <= 0xffffffff ? unchecked(current - previous) & 0xffffffff : unchecked(current - previous);

        ulong rdSec = Sectors(ioi.RdSectors, ioj.RdSectors);
        ulong wrSec = Sectors(ioi.WrSectors, ioj.WrSectors);
        ulong dcSec = Sectors(ioi.DcSectors, ioj.DcSectors);
        double rsectors = PerSecond(ioj.RdSectors, ioi.RdSectors, itv) / factor;
        double wsectors = PerSecond(ioj.WrSectors, ioi.WrSectors, itv) / factor;
        double dsectors = PerSecond(ioj.DcSectors, ioi.DcSectors, itv) / factor;
        var row = new StringBuilder(name.PadRight(13));
        row.Append(Value(PerSecond(ioj.RdIos + ioj.WrIos + ioj.DcIos, ioi.RdIos + ioi.WrIos + ioi.DcIos, itv), 8, options));
        if (options.Short)
        {
            row.Append(Value(rsectors, 12, options)).Append(Value(wsectors + dsectors, 12, options));
            row.Append(CFormat.Column(rdSec / (ulong)factor, 10)).Append(CFormat.Column((wrSec + dcSec) / (ulong)factor, 10));
        }
        else
        {
            row.Append(Value(rsectors, 12, options)).Append(Value(wsectors, 12, options)).Append(Value(dsectors, 12, options));
            row.Append(CFormat.Column(rdSec / (ulong)factor, 10)).Append(CFormat.Column(wrSec / (ulong)factor, 10)).Append(CFormat.Column(dcSec / (ulong)factor, 10));
        }

        return row.Append('\n').ToString();
    }

    public static string Extended(string name, DiskCounters ioi, DiskCounters ioj, ulong itv, int factor, IoStatOptions options)
    {
        var row = new StringBuilder(name.PadRight(13));
        ulong ios = ioi.RdIos + ioi.WrIos + ioi.DcIos;
        ulong previousIos = ioj.RdIos + ioj.WrIos + ioj.DcIos;
        double rsectors = ioi.RdSectors < ioj.RdSectors ? 0 : PerSecond(ioj.RdSectors, ioi.RdSectors, itv);
        double wsectors = ioi.WrSectors < ioj.WrSectors ? 0 : PerSecond(ioj.WrSectors, ioi.WrSectors, itv);
        double dsectors = ioi.DcSectors < ioj.DcSectors ? 0 : PerSecond(ioj.DcSectors, ioi.DcSectors, itv);
        // util, await and areq-sz over all I/O (flushes excluded: they are counted as writes already).
        double util = ioi.TotTicks < ioj.TotTicks ? 0 : (double)(ioi.TotTicks - ioj.TotTicks) / itv * 100;
        double aquSz = ioi.RqTicks < ioj.RqTicks ? 0 : (double)(ioi.RqTicks - ioj.RqTicks) / itv * 100 / 1000.0;
        if (options.Short)
        {
            uint ticks = unchecked((ioi.RdTicks - ioj.RdTicks) + (ioi.WrTicks - ioj.WrTicks) + (ioi.DcTicks - ioj.DcTicks));
            ulong sectors = unchecked((ioi.RdSectors - ioj.RdSectors) + (ioi.WrSectors - ioj.WrSectors) + (ioi.DcSectors - ioj.DcSectors));
            double await = ios > previousIos ? ticks / (double)(ios - previousIos) : 0;
            double arqsz = ios > previousIos ? sectors / (double)(ios - previousIos) : 0;
            row.Append(Value(ios < previousIos ? 0 : PerSecond(previousIos, ios, itv), 8, options));
            row.Append(Value((rsectors + wsectors + dsectors) / factor, 9, options));
            ulong merges = ioi.RdMerges + ioi.WrMerges + ioi.DcMerges;
            ulong previousMerges = ioj.RdMerges + ioj.WrMerges + ioj.DcMerges;
            row.Append(Value(merges < previousMerges ? 0 : PerSecond(previousMerges, merges, itv), 8, options));
            row.Append(Value(await, 7, options));
            row.Append(Value(arqsz / 2, 8, options));
            row.Append(Value(aquSz, 7, options));
            row.Append(Percent(util / 10.0, 6, options));
            return row.Append('\n').ToString();
        }

        AppendKind(row, ioi.RdIos, ioj.RdIos, ioi.RdMerges, ioj.RdMerges, ioi.RdTicks, ioj.RdTicks, ioi.RdSectors, ioj.RdSectors, rsectors / factor, itv, options);
        AppendKind(row, ioi.WrIos, ioj.WrIos, ioi.WrMerges, ioj.WrMerges, ioi.WrTicks, ioj.WrTicks, ioi.WrSectors, ioj.WrSectors, wsectors / factor, itv, options);
        AppendKind(row, ioi.DcIos, ioj.DcIos, ioi.DcMerges, ioj.DcMerges, ioi.DcTicks, ioj.DcTicks, ioi.DcSectors, ioj.DcSectors, dsectors / factor, itv, options);
        row.Append(Value(PerSecondOrZero(ioj.FlIos, ioi.FlIos, itv), 7, options));
        row.Append(Value(ioi.FlIos > ioj.FlIos ? unchecked(ioi.FlTicks - ioj.FlTicks) / (double)(ioi.FlIos - ioj.FlIos) : 0, 7, options));
        row.Append(Value(aquSz, 7, options));
        row.Append(Percent(util / 10.0, 6, options));
        return row.Append('\n').ToString();
    }

    // r/s rkB/s rrqm/s %rrqm r_await rareq-sz, and the same for writes and discards.
    private static void AppendKind(
        StringBuilder row, ulong ios, ulong previousIos, ulong merges, ulong previousMerges, uint ticks, uint previousTicks,
        ulong sectors, ulong previousSectors, double rate, ulong itv, IoStatOptions options)
    {
        ulong dIos = unchecked(ios - previousIos);
        ulong dMerges = unchecked(merges - previousMerges);
        double mergedPercent = unchecked(dMerges + dIos) != 0 ? (double)dMerges / unchecked(dMerges + dIos) * 100 : 0;
        double await = ios > previousIos ? unchecked(ticks - previousTicks) / (double)dIos : 0;
        double size = ios > previousIos ? unchecked(sectors - previousSectors) / (double)dIos : 0;
        row.Append(Value(ios < previousIos ? 0 : PerSecond(previousIos, ios, itv), 7, options));
        row.Append(Value(rate, 9, options));
        row.Append(Value(merges < previousMerges ? 0 : PerSecond(previousMerges, merges, itv), 8, options));
        row.Append(Percent(mergedPercent, 6, options));
        row.Append(Value(await, 7, options));
        row.Append(Value(size / 2, 8, options));
    }
}
