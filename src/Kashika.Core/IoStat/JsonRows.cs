using System.Text;

namespace Kashika.Core.IoStat;

/// <summary>One device as an object of sysstat's JSON output ("%.2f" numbers, fixed key order).</summary>
public static class JsonRows
{
    private static string F(double value) => CFormat.Fixed(value, 2);

    private static string Unit(IoStatOptions options, string blocks) => options.Unit switch { 1 => "kB", 2 => "MB", 3 => "GB", _ => blocks };

    /// <summary>A device name as a JSON string body (names never hold quotes or backslashes, but a file could).</summary>
    public static string Escape(string name) => name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    public static string Basic(string name, DiskCounters ioi, DiskCounters ioj, ulong itv, int factor, IoStatOptions options)
    {
        var r = DeviceRates.Compute(ioi, ioj, itv);
        string u = Unit(options, "Blk");
        ulong f = (ulong)factor;
        return $"{{\"disk_device\": \"{name}\", \"tps\": {F(r.Transfers)}, "
            + $"\"{u}_read/s\": {F(r.ReadSectorsPerSecond / factor)}, \"{u}_wrtn/s\": {F(r.WrittenSectorsPerSecond / factor)}, "
            + $"\"{u}_dscd/s\": {F(r.DiscardedSectorsPerSecond / factor)}, "
            + $"\"{u}_read\": {r.ReadSectors / f}, \"{u}_wrtn\": {r.WrittenSectors / f}, \"{u}_dscd\": {r.DiscardedSectors / f}}}";
    }

    public static string Extended(string name, DiskCounters ioi, DiskCounters ioj, ulong itv, int factor, IoStatOptions options, int members)
    {
        var r = DeviceRates.Compute(ioi, ioj, itv);
        string u = Unit(options, "sec");
        var row = new StringBuilder($"{{\"disk_device\": \"{name}\", ");
        if (options.Short)
        {
            row.Append($"\"tps\": {F(r.GuardedTransfers)}, ");
            row.Append($"\"{u}/s\": {F((r.Read.SectorsPerSecond + r.Write.SectorsPerSecond + r.Discard.SectorsPerSecond) / factor)}, ");
            row.Append($"\"rqm/s\": {F(r.MergesPerSecond)}, \"await\": {F(r.Await)}, \"areq-sz\": {F(r.RequestSectors / 2)}, ");
        }
        else
        {
            var (rd, wr, dc) = (r.Read, r.Write, r.Discard);
            row.Append($"\"r/s\": {F(rd.PerSecond)}, \"w/s\": {F(wr.PerSecond)}, \"d/s\": {F(dc.PerSecond)}, \"f/s\": {F(r.FlushesPerSecond)}, ");
            row.Append($"\"r{u}/s\": {F(rd.SectorsPerSecond / factor)}, \"w{u}/s\": {F(wr.SectorsPerSecond / factor)}, \"d{u}/s\": {F(dc.SectorsPerSecond / factor)}, ");
            row.Append($"\"rrqm/s\": {F(rd.MergesPerSecond)}, \"wrqm/s\": {F(wr.MergesPerSecond)}, \"drqm/s\": {F(dc.MergesPerSecond)}, ");
            row.Append($"\"rrqm\": {F(rd.MergedPercent)}, \"wrqm\": {F(wr.MergedPercent)}, \"drqm\": {F(dc.MergedPercent)}, ");
            row.Append($"\"r_await\": {F(rd.Await)}, \"w_await\": {F(wr.Await)}, \"d_await\": {F(dc.Await)}, \"f_await\": {F(r.FlushAwait)}, ");
            row.Append($"\"rareq-sz\": {F(rd.RequestSectors / 2)}, \"wareq-sz\": {F(wr.RequestSectors / 2)}, \"dareq-sz\": {F(dc.RequestSectors / 2)}, ");
        }

        return row.Append($"\"aqu-sz\": {F(r.QueueSize)}, \"util\": {F(r.BusyPercent / members)}}}").ToString();
    }
}
