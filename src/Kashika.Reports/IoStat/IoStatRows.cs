using System.Text;
using Kashika.Core.IoStat;

namespace Kashika.Reports.IoStat;

/// <summary>One device's row of an iostat report, column for column as sysstat prints it.</summary>
internal sealed class IoStatRows(IoStatOptions options)
{
    private const string Units = "sBkMGTP?";
    private const int SectorUnit = 0;
    private const int KilobyteUnit = 2;

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

    public string Basic(DeviceInterval device)
    {
        var rates = device.Rates;
        string name = device.Name;
        int divide = options.Human ? 1 : options.Unit.Sectors();
        ulong d = (ulong)divide;
        var row = Start(name);
        row.Append(Number(rates.Transfers, 8));
        row.Append(Size(rates.ReadSectorsPerSecond / divide, 12, SectorUnit));
        if (options.Short)
        {
            row.Append(Size((rates.WrittenSectorsPerSecond / divide) + (rates.DiscardedSectorsPerSecond / divide), 12, SectorUnit));
            row.Append(Count(rates.ReadSectors / d, 10)).Append(Count((rates.WrittenSectors + rates.DiscardedSectors) / d, 10));
        }
        else
        {
            row.Append(Size(rates.WrittenSectorsPerSecond / divide, 12, SectorUnit)).Append(Size(rates.DiscardedSectorsPerSecond / divide, 12, SectorUnit));
            row.Append(Count(rates.ReadSectors / d, 10)).Append(Count(rates.WrittenSectors / d, 10)).Append(Count(rates.DiscardedSectors / d, 10));
        }

        return End(row, name);
    }

    /// <param name="part">0 for the whole row; 1 to 4 for the reads, writes, discards or flush-and-totals table.</param>
    public string Extended(DeviceInterval device, int part)
    {
        var rates = device.Rates;
        string name = device.Name;
        int devicesInGroup = device.Members;
        int divide = options.Human ? 1 : options.Unit.Sectors();
        var row = Start(name);
        if (options.Short)
        {
            row.Append(Number(rates.GuardedTransfers, 8));
            row.Append(Size((rates.Read.SectorsPerSecond + rates.Write.SectorsPerSecond + rates.Discard.SectorsPerSecond) / divide, 9, SectorUnit));
            row.Append(Number(rates.MergesPerSecond, 8));
            row.Append(Number(rates.Await, 7));
            row.Append(Size(rates.RequestSectors / 2, 8, KilobyteUnit));
            row.Append(Number(rates.QueueSize, 7));
            row.Append(Percent(rates.BusyPercent / devicesInGroup, 6));
            return End(row, name);
        }

        foreach (var (kind, index) in new[] { (rates.Read, 1), (rates.Write, 2), (rates.Discard, 3) })
        {
            if (part == 0 || part == index)
            {
                row.Append(Number(kind.PerSecond, 7));
                row.Append(Size(kind.SectorsPerSecond / divide, 9, SectorUnit));
                row.Append(Number(kind.MergesPerSecond, 8));
                row.Append(Percent(kind.MergedPercent, 6));
                row.Append(Number(kind.Await, 7));
                row.Append(Size(kind.RequestSectors / 2, 8, KilobyteUnit));
            }
        }

        if (part is 0 or 4)
        {
            row.Append(Number(rates.FlushesPerSecond, 7));
            row.Append(Number(rates.FlushAwait, 7));
            row.Append(Number(rates.QueueSize, 7));
            row.Append(Percent(rates.BusyPercent / devicesInGroup, 6));
        }

        return End(row, name);
    }
}
