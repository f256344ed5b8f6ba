using System.Text;

namespace Kashika.Core.IoStat;

/// <summary>One device as an object of sysstat's JSON output ("%.2f" numbers, fixed key order).</summary>
public static class JsonRows
{
    private static string F(double value) => CFormat.Fixed(value, 2);

    private static double PerSecond(ulong previous, ulong current, ulong itv) => (double)unchecked(current - previous) / itv * 100;

    private static double PerSecondOrZero(ulong previous, ulong current, ulong itv) => current < previous ? 0 : PerSecond(previous, current, itv);

    private static string Unit(IoStatOptions options) => options.Unit switch { 1 => "kB", 2 => "MB", 3 => "GB", _ => "" };

    /// <summary>A device name as a JSON string body (names never hold quotes or backslashes, but a file could).</summary>
    public static string Escape(string name) => name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    public static string Basic(string name, DiskCounters ioi, DiskCounters ioj, ulong itv, int factor, IoStatOptions options)
    {
        static ulong Sectors(ulong current, ulong previous) =>
            current < previous && previous <= 0xffffffff ? unchecked(current - previous) & 0xffffffff : unchecked(current - previous);

        string u = options.Unit == 0 ? "Blk" : Unit(options);
        ulong f = (ulong)factor;
        return $"{{\"disk_device\": \"{name}\", \"tps\": {F(PerSecond(ioj.RdIos + ioj.WrIos + ioj.DcIos, ioi.RdIos + ioi.WrIos + ioi.DcIos, itv))}, "
            + $"\"{u}_read/s\": {F(PerSecond(ioj.RdSectors, ioi.RdSectors, itv) / factor)}, "
            + $"\"{u}_wrtn/s\": {F(PerSecond(ioj.WrSectors, ioi.WrSectors, itv) / factor)}, "
            + $"\"{u}_dscd/s\": {F(PerSecond(ioj.DcSectors, ioi.DcSectors, itv) / factor)}, "
            + $"\"{u}_read\": {Sectors(ioi.RdSectors, ioj.RdSectors) / f}, \"{u}_wrtn\": {Sectors(ioi.WrSectors, ioj.WrSectors) / f}, "
            + $"\"{u}_dscd\": {Sectors(ioi.DcSectors, ioj.DcSectors) / f}}}";
    }

    public static string Extended(string name, DiskCounters ioi, DiskCounters ioj, ulong itv, int factor, IoStatOptions options, int members)
    {
        string u = options.Unit == 0 ? "sec" : Unit(options);
        var row = new StringBuilder($"{{\"disk_device\": \"{name}\", ");
        double rsectors = ioi.RdSectors < ioj.RdSectors ? 0 : PerSecond(ioj.RdSectors, ioi.RdSectors, itv);
        double wsectors = ioi.WrSectors < ioj.WrSectors ? 0 : PerSecond(ioj.WrSectors, ioi.WrSectors, itv);
        double dsectors = ioi.DcSectors < ioj.DcSectors ? 0 : PerSecond(ioj.DcSectors, ioi.DcSectors, itv);
        double aquSz = ioi.RqTicks < ioj.RqTicks ? 0 : (double)(ioi.RqTicks - ioj.RqTicks) / itv * 100 / 1000.0;
        double util = ioi.TotTicks < ioj.TotTicks ? 0 : (double)(ioi.TotTicks - ioj.TotTicks) / itv * 100;
        ulong ios = ioi.RdIos + ioi.WrIos + ioi.DcIos, previousIos = ioj.RdIos + ioj.WrIos + ioj.DcIos;
        if (options.Short)
        {
            uint ticks = unchecked((ioi.RdTicks - ioj.RdTicks) + (ioi.WrTicks - ioj.WrTicks) + (ioi.DcTicks - ioj.DcTicks));
            ulong sectors = unchecked((ioi.RdSectors - ioj.RdSectors) + (ioi.WrSectors - ioj.WrSectors) + (ioi.DcSectors - ioj.DcSectors));
            ulong merges = ioi.RdMerges + ioi.WrMerges + ioi.DcMerges, previousMerges = ioj.RdMerges + ioj.WrMerges + ioj.DcMerges;
            row.Append($"\"tps\": {F(ios < previousIos ? 0 : PerSecond(previousIos, ios, itv))}, ");
            row.Append($"\"{u}/s\": {F((rsectors + wsectors + dsectors) / factor)}, ");
            row.Append($"\"rqm/s\": {F(merges < previousMerges ? 0 : PerSecond(previousMerges, merges, itv))}, ");
            row.Append($"\"await\": {F(ios > previousIos ? ticks / (double)(ios - previousIos) : 0)}, ");
            row.Append($"\"areq-sz\": {F((ios > previousIos ? sectors / (double)(ios - previousIos) : 0) / 2)}, ");
            row.Append($"\"aqu-sz\": {F(aquSz)}, ");
        }
        else
        {
            static double Merged(ulong m, ulong pm, ulong i, ulong pi)
            {
                ulong dm = unchecked(m - pm), di = unchecked(i - pi);
                return unchecked(dm + di) != 0 ? (double)dm / unchecked(dm + di) * 100 : 0;
            }

            static double Await(ulong i, ulong pi, uint t, uint pt) => i > pi ? unchecked(t - pt) / (double)(i - pi) : 0;

            static double Size(ulong i, ulong pi, ulong s, ulong ps) => i > pi ? unchecked(s - ps) / (double)(i - pi) : 0;

            row.Append($"\"r/s\": {F(PerSecondOrZero(ioj.RdIos, ioi.RdIos, itv))}, \"w/s\": {F(PerSecondOrZero(ioj.WrIos, ioi.WrIos, itv))}, ");
            row.Append($"\"d/s\": {F(PerSecondOrZero(ioj.DcIos, ioi.DcIos, itv))}, \"f/s\": {F(PerSecondOrZero(ioj.FlIos, ioi.FlIos, itv))}, ");
            row.Append($"\"r{u}/s\": {F(rsectors / factor)}, \"w{u}/s\": {F(wsectors / factor)}, \"d{u}/s\": {F(dsectors / factor)}, ");
            row.Append($"\"rrqm/s\": {F(PerSecondOrZero(ioj.RdMerges, ioi.RdMerges, itv))}, \"wrqm/s\": {F(PerSecondOrZero(ioj.WrMerges, ioi.WrMerges, itv))}, ");
            row.Append($"\"drqm/s\": {F(PerSecondOrZero(ioj.DcMerges, ioi.DcMerges, itv))}, ");
            row.Append($"\"rrqm\": {F(Merged(ioi.RdMerges, ioj.RdMerges, ioi.RdIos, ioj.RdIos))}, \"wrqm\": {F(Merged(ioi.WrMerges, ioj.WrMerges, ioi.WrIos, ioj.WrIos))}, ");
            row.Append($"\"drqm\": {F(Merged(ioi.DcMerges, ioj.DcMerges, ioi.DcIos, ioj.DcIos))}, ");
            row.Append($"\"r_await\": {F(Await(ioi.RdIos, ioj.RdIos, ioi.RdTicks, ioj.RdTicks))}, \"w_await\": {F(Await(ioi.WrIos, ioj.WrIos, ioi.WrTicks, ioj.WrTicks))}, ");
            row.Append($"\"d_await\": {F(Await(ioi.DcIos, ioj.DcIos, ioi.DcTicks, ioj.DcTicks))}, \"f_await\": {F(Await(ioi.FlIos, ioj.FlIos, ioi.FlTicks, ioj.FlTicks))}, ");
            row.Append($"\"rareq-sz\": {F(Size(ioi.RdIos, ioj.RdIos, ioi.RdSectors, ioj.RdSectors) / 2)}, \"wareq-sz\": {F(Size(ioi.WrIos, ioj.WrIos, ioi.WrSectors, ioj.WrSectors) / 2)}, ");
            row.Append($"\"dareq-sz\": {F(Size(ioi.DcIos, ioj.DcIos, ioi.DcSectors, ioj.DcSectors) / 2)}, ");
            row.Append($"\"aqu-sz\": {F(aquSz)}, ");
        }

        return row.Append($"\"util\": {F(util / 10.0 / members)}}}").ToString();
    }
}
