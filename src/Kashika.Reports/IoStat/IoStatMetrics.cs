using System.Globalization;
using System.Text;
using Kashika.Core.IoStat;

namespace Kashika.Reports.IoStat;

/// <summary>
/// One iostat report as gauges in the OpenMetrics text format, which node_exporter's textfile collector and Prometheus
/// read (docs/iostat.md lists the names). Base units, as Prometheus names them: bytes, seconds, ratios of 0 to 1.
/// No sample timestamps: the textfile collector refuses them.
/// </summary>
public sealed class IoStatMetricsFormat : IReportFormat<IntervalReport>
{
    private sealed record Gauge(string Name, string Unit, string Column, string Help, Func<DeviceInterval, double> Value);

    private const double Sector = 512;

    private static readonly Gauge[] Devices =
    [
        new("reads_per_second", "", "r/s", "Read requests completed per second", d => d.Rates.Read.PerSecond),
        new("writes_per_second", "", "w/s", "Write requests completed per second", d => d.Rates.Write.PerSecond),
        new("discards_per_second", "", "d/s", "Discard requests completed per second", d => d.Rates.Discard.PerSecond),
        new("flushes_per_second", "", "f/s", "Flush requests completed per second", d => d.Rates.FlushesPerSecond),
        new("read_bytes_per_second", "", "rkB/s", "Bytes read per second", d => d.Rates.Read.SectorsPerSecond * Sector),
        new("written_bytes_per_second", "", "wkB/s", "Bytes written per second", d => d.Rates.Write.SectorsPerSecond * Sector),
        new("discarded_bytes_per_second", "", "dkB/s", "Bytes discarded per second", d => d.Rates.Discard.SectorsPerSecond * Sector),
        new("read_merges_per_second", "", "rrqm/s", "Read requests merged per second", d => d.Rates.Read.MergesPerSecond),
        new("write_merges_per_second", "", "wrqm/s", "Write requests merged per second", d => d.Rates.Write.MergesPerSecond),
        new("discard_merges_per_second", "", "drqm/s", "Discard requests merged per second", d => d.Rates.Discard.MergesPerSecond),
        new("read_merged_ratio", "ratio", "%rrqm", "Share of read requests merged", d => d.Rates.Read.MergedPercent / 100),
        new("write_merged_ratio", "ratio", "%wrqm", "Share of write requests merged", d => d.Rates.Write.MergedPercent / 100),
        new("discard_merged_ratio", "ratio", "%drqm", "Share of discard requests merged", d => d.Rates.Discard.MergedPercent / 100),
        new("read_await_seconds", "seconds", "r_await", "Mean time of a read request, queueing included", d => d.Rates.Read.Await / 1000),
        new("write_await_seconds", "seconds", "w_await", "Mean time of a write request, queueing included", d => d.Rates.Write.Await / 1000),
        new("discard_await_seconds", "seconds", "d_await", "Mean time of a discard request, queueing included", d => d.Rates.Discard.Await / 1000),
        new("flush_await_seconds", "seconds", "f_await", "Mean time of a flush request, queueing included", d => d.Rates.FlushAwait / 1000),
        new("read_request_size_bytes", "bytes", "rareq-sz", "Mean size of a read request after merging", d => d.Rates.Read.RequestSectors * Sector),
        new("write_request_size_bytes", "bytes", "wareq-sz", "Mean size of a write request after merging", d => d.Rates.Write.RequestSectors * Sector),
        new("discard_request_size_bytes", "bytes", "dareq-sz", "Mean size of a discard request after merging", d => d.Rates.Discard.RequestSectors * Sector),
        new("queue_size", "", "aqu-sz", "Mean number of requests in flight", d => d.Rates.QueueSize),
        new("util_ratio", "ratio", "%util", "Share of the time with at least one request in flight (a group: its members' mean)", d => d.Util / 100),
    ];

    public string Name => "openmetrics";

    public string? DefaultFileName => null;

    public void Write(IntervalReport model, Stream output)
    {
        var text = new StringBuilder();
        Family(text, "cpu_ratio", "ratio", "Share of the CPUs' time by mode, as iostat's avg-cpu (%user … %idle; system includes interrupts)");
        var c = model.Cpu;
        foreach (var (mode, value) in (ReadOnlySpan<(string, double)>)[("user", c.User), ("nice", c.Nice), ("system", c.System), ("iowait", c.Iowait), ("steal", c.Steal), ("idle", c.Idle)])
        {
            text.Append("kashika_iostat_cpu_ratio{mode=\"").Append(mode).Append("\"} ").Append(Number(value / 100)).Append('\n');
        }

        foreach (var gauge in Devices)
        {
            Family(text, gauge.Name, gauge.Unit, $"{gauge.Help} (iostat's {gauge.Column})");
            foreach (var device in model.Devices)
            {
                // A group (-g NAME) is shown by sysstat with a leading space; here it is a label of its own.
                string label = device.Kind == DeviceKind.Group ? "group" : "device";
                text.Append("kashika_iostat_").Append(gauge.Name).Append('{').Append(label).Append("=\"")
                    .Append(LabelValue(device.Name.TrimStart(' '))).Append("\"} ").Append(Number(gauge.Value(device))).Append('\n');
            }
        }

        text.Append("# EOF\n");
        output.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static void Family(StringBuilder text, string name, string unit, string help)
    {
        text.Append("# TYPE kashika_iostat_").Append(name).Append(" gauge\n");
        if (unit.Length > 0)
        {
            text.Append("# UNIT kashika_iostat_").Append(name).Append(' ').Append(unit).Append('\n');
        }

        text.Append("# HELP kashika_iostat_").Append(name).Append(' ').Append(help).Append('\n');
    }

    private static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";

    /// <summary>A label value as the text format quotes it: backslash, double quote and line feed escaped.</summary>
    public static string LabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
