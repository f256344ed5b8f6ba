using System.Text;

namespace Kashika.Core.IoStat;

/// <summary>One device's row of an iostat report, column for column as sysstat prints it.</summary>
public sealed class IoStatRows(IoStatOptions options)
{
    private const string Units = "sBkMGTP?";
    private const int SectorUnit = 0;
    private const int KilobyteUnit = 2;

    // S_VALUE: a counter's difference per second; the interval is in hundredths of a second.
    private static double PerSecond(ulong previous, ulong current, ulong itv) => (double)unchecked(current - previous) / itv * 100;

    private static double PerSecondOrZero(ulong previous, ulong current, ulong itv) => current < previous ? 0 : PerSecond(previous, current, itv);

    private int Decimals(int wanted) => wanted > 0 && options.DecimalPlaces >= 0 ? options.DecimalPlaces : wanted;

    /// <summary>A plain number (cprintf_f without unit).</summary>
    private string Number(double value, int width) => CFormat.Column(value, width, Decimals(2));

    /// <summary>A size: a number, or in human mode the value scaled to the largest unit below 1024 (cprintf_unit).</summary>
    private string Size(double value, int width, int unit)
    {
        if (!options.Human)
        {
            return CFormat.Column(value, width, Decimals(2));
        }

        width = Math.Max(width, 4);
        if (unit == SectorUnit)
        {
            value /= 2;
            unit = KilobyteUnit;
        }

        while (value >= 1024)
        {
            value /= 1024;
            unit++;
        }

        // sysstat prints one decimal unless --dec=0.
        return CFormat.Column(value, width - 1, options.DecimalPlaces == 0 ? 0 : 1) + Units[Math.Min(unit, Units.Length - 1)];
    }

    private string Count(ulong value, int width) => options.Human ? Size(value, width, SectorUnit) : CFormat.Column(value, width);

    /// <summary>A percentage (cprintf_xpc): in human mode one decimal fewer and a '%'.</summary>
    public string Percent(double value, int width)
    {
        int decimals = Decimals(2);
        if (!options.Human)
        {
            return CFormat.Column(value, width, decimals);
        }

        width = Math.Max(width, 4) - 1;
        return CFormat.Column(value, width, decimals > 1 ? decimals - 1 : decimals) + "%";
    }

    private StringBuilder Start(string name) => new(options.Pretty ? "" : name.PadRight(13));

    private string End(StringBuilder row, string name) => (options.Pretty ? row.Append(' ').Append(name) : row).Append('\n').ToString();

    public string Basic(string name, DiskCounters ioi, DiskCounters ioj, ulong itv, int factor)
    {
        // A sector counter below its previous value wrapped at 32 bits (an old kernel) when the previous value fitted.
        static ulong Sectors(ulong current, ulong previous) =>
            current < previous && previous <= 0xffffffff ? unchecked(current - previous) & 0xffffffff : unchecked(current - previous);

        ulong rdSec = Sectors(ioi.RdSectors, ioj.RdSectors);
        ulong wrSec = Sectors(ioi.WrSectors, ioj.WrSectors);
        ulong dcSec = Sectors(ioi.DcSectors, ioj.DcSectors);
        int divide = options.Human ? 1 : factor;
        double rsectors = PerSecond(ioj.RdSectors, ioi.RdSectors, itv) / divide;
        double wsectors = PerSecond(ioj.WrSectors, ioi.WrSectors, itv) / divide;
        double dsectors = PerSecond(ioj.DcSectors, ioi.DcSectors, itv) / divide;
        var row = Start(name);
        row.Append(Number(PerSecond(ioj.RdIos + ioj.WrIos + ioj.DcIos, ioi.RdIos + ioi.WrIos + ioi.DcIos, itv), 8));
        if (options.Short)
        {
            row.Append(Size(rsectors, 12, SectorUnit)).Append(Size(wsectors + dsectors, 12, SectorUnit));
            row.Append(Count(rdSec / (ulong)divide, 10)).Append(Count((wrSec + dcSec) / (ulong)divide, 10));
        }
        else
        {
            row.Append(Size(rsectors, 12, SectorUnit)).Append(Size(wsectors, 12, SectorUnit)).Append(Size(dsectors, 12, SectorUnit));
            row.Append(Count(rdSec / (ulong)divide, 10)).Append(Count(wrSec / (ulong)divide, 10)).Append(Count(dcSec / (ulong)divide, 10));
        }

        return End(row, name);
    }

    /// <param name="part">0 for the whole row; 1 to 4 for the reads, writes, discards or flush-and-totals table.</param>
    public string Extended(string name, DiskCounters ioi, DiskCounters ioj, ulong itv, int factor, int part, int devicesInGroup = 1)
    {
        var row = Start(name);
        int divide = options.Human ? 1 : factor;
        ulong ios = ioi.RdIos + ioi.WrIos + ioi.DcIos;
        ulong previousIos = ioj.RdIos + ioj.WrIos + ioj.DcIos;
        double rsectors = ioi.RdSectors < ioj.RdSectors ? 0 : PerSecond(ioj.RdSectors, ioi.RdSectors, itv);
        double wsectors = ioi.WrSectors < ioj.WrSectors ? 0 : PerSecond(ioj.WrSectors, ioi.WrSectors, itv);
        double dsectors = ioi.DcSectors < ioj.DcSectors ? 0 : PerSecond(ioj.DcSectors, ioi.DcSectors, itv);
        double util = ioi.TotTicks < ioj.TotTicks ? 0 : (double)(ioi.TotTicks - ioj.TotTicks) / itv * 100;
        double aquSz = ioi.RqTicks < ioj.RqTicks ? 0 : (double)(ioi.RqTicks - ioj.RqTicks) / itv * 100 / 1000.0;
        if (options.Short)
        {
            uint ticks = unchecked((ioi.RdTicks - ioj.RdTicks) + (ioi.WrTicks - ioj.WrTicks) + (ioi.DcTicks - ioj.DcTicks));
            ulong sectors = unchecked((ioi.RdSectors - ioj.RdSectors) + (ioi.WrSectors - ioj.WrSectors) + (ioi.DcSectors - ioj.DcSectors));
            double await = ios > previousIos ? ticks / (double)(ios - previousIos) : 0;
            double arqsz = ios > previousIos ? sectors / (double)(ios - previousIos) : 0;
            ulong merges = ioi.RdMerges + ioi.WrMerges + ioi.DcMerges;
            ulong previousMerges = ioj.RdMerges + ioj.WrMerges + ioj.DcMerges;
            row.Append(Number(ios < previousIos ? 0 : PerSecond(previousIos, ios, itv), 8));
            row.Append(Size((rsectors + wsectors + dsectors) / divide, 9, SectorUnit));
            row.Append(Number(merges < previousMerges ? 0 : PerSecond(previousMerges, merges, itv), 8));
            row.Append(Number(await, 7));
            row.Append(Size(arqsz / 2, 8, KilobyteUnit));
            row.Append(Number(aquSz, 7));
            row.Append(Percent(util / 10.0 / devicesInGroup, 6));
            return End(row, name);
        }

        if (part is 0 or 1)
        {
            AppendKind(row, ioi.RdIos, ioj.RdIos, ioi.RdMerges, ioj.RdMerges, ioi.RdTicks, ioj.RdTicks, ioi.RdSectors, ioj.RdSectors, rsectors / divide, itv);
        }

        if (part is 0 or 2)
        {
            AppendKind(row, ioi.WrIos, ioj.WrIos, ioi.WrMerges, ioj.WrMerges, ioi.WrTicks, ioj.WrTicks, ioi.WrSectors, ioj.WrSectors, wsectors / divide, itv);
        }

        if (part is 0 or 3)
        {
            AppendKind(row, ioi.DcIos, ioj.DcIos, ioi.DcMerges, ioj.DcMerges, ioi.DcTicks, ioj.DcTicks, ioi.DcSectors, ioj.DcSectors, dsectors / divide, itv);
        }

        if (part is 0 or 4)
        {
            row.Append(Number(PerSecondOrZero(ioj.FlIos, ioi.FlIos, itv), 7));
            row.Append(Number(ioi.FlIos > ioj.FlIos ? unchecked(ioi.FlTicks - ioj.FlTicks) / (double)(ioi.FlIos - ioj.FlIos) : 0, 7));
            row.Append(Number(aquSz, 7));
            row.Append(Percent(util / 10.0 / devicesInGroup, 6));
        }

        return End(row, name);
    }

    // r/s rkB/s rrqm/s %rrqm r_await rareq-sz, and the same for writes and discards.
    private void AppendKind(
        StringBuilder row, ulong ios, ulong previousIos, ulong merges, ulong previousMerges, uint ticks, uint previousTicks,
        ulong sectors, ulong previousSectors, double rate, ulong itv)
    {
        ulong dIos = unchecked(ios - previousIos);
        ulong dMerges = unchecked(merges - previousMerges);
        double mergedPercent = unchecked(dMerges + dIos) != 0 ? (double)dMerges / unchecked(dMerges + dIos) * 100 : 0;
        double await = ios > previousIos ? unchecked(ticks - previousTicks) / (double)dIos : 0;
        double size = ios > previousIos ? unchecked(sectors - previousSectors) / (double)dIos : 0;
        row.Append(Number(ios < previousIos ? 0 : PerSecond(previousIos, ios, itv), 7));
        row.Append(Size(rate, 9, SectorUnit));
        row.Append(Number(merges < previousMerges ? 0 : PerSecond(previousMerges, merges, itv), 8));
        row.Append(Percent(mergedPercent, 6));
        row.Append(Number(await, 7));
        row.Append(Size(size / 2, 8, KilobyteUnit));
    }
}
