using System.Text;
using Kashika.Core.IoStat;

namespace Kashika.Reports.IoStat;

/// <summary>One device as an object of sysstat's JSON output ("%.2f" numbers, fixed key order).</summary>
internal static class JsonRows
{
    private static string F(double value) => CFormat.Fixed(value, 2);

    public static string Basic(DeviceInterval device, IoStatOptions options)
    {
        var r = device.Rates;
        string u = options.Unit.Label("Blk");
        int factor = options.Unit.Sectors();
        ulong f = (ulong)factor;
        return $"{{\"disk_device\": {Json.Quoted(device.Name)}, \"tps\": {F(r.Transfers)}, "
            + $"\"{u}_read/s\": {F(r.ReadSectorsPerSecond / factor)}, \"{u}_wrtn/s\": {F(r.WrittenSectorsPerSecond / factor)}, "
            + $"\"{u}_dscd/s\": {F(r.DiscardedSectorsPerSecond / factor)}, "
            + $"\"{u}_read\": {r.ReadSectors / f}, \"{u}_wrtn\": {r.WrittenSectors / f}, \"{u}_dscd\": {r.DiscardedSectors / f}}}";
    }

    public static string Extended(DeviceInterval device, IoStatOptions options)
    {
        var r = device.Rates;
        string u = options.Unit.Label("sec");
        int factor = options.Unit.Sectors();
        int members = device.Members;
        var row = new StringBuilder($"{{\"disk_device\": {Json.Quoted(device.Name)}, ");
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
