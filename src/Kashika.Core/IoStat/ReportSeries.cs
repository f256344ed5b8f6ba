namespace Kashika.Core.IoStat;

/// <summary>One device's columns over the recording; null where the device was absent from a report.</summary>
public sealed record DeviceSeries(string Name, DeviceKind Kind, IReadOnlyDictionary<string, double?[]> Values);

/// <summary>
/// The reports of a recording gathered as columns of numbers, per device and for the CPU: what the report page draws.
/// Every value is the number iostat prints (two decimals, rounded as C rounds), in sysstat's units (kB = 1,024 bytes).
/// </summary>
public sealed class ReportSeries
{
    /// <summary>The extended report's columns, in sysstat's names.</summary>
    public static IReadOnlyList<string> DeviceColumns { get; } =
    [
        "r/s", "w/s", "d/s", "f/s", "rkB/s", "wkB/s", "dkB/s", "rrqm/s", "wrqm/s", "drqm/s", "%rrqm", "%wrqm", "%drqm",
        "r_await", "w_await", "d_await", "f_await", "rareq-sz", "wareq-sz", "dareq-sz", "aqu-sz", "%util",
    ];

    public static IReadOnlyList<string> CpuColumns { get; } = ["%user", "%nice", "%system", "%iowait", "%steal", "%idle"];

    private readonly List<long> times = [];
    private readonly List<double>[] cpu = CpuColumns.Select(_ => new List<double>()).ToArray();
    private readonly List<(string Name, DeviceKind Kind, List<double?>[] Columns)> devices = [];
    private readonly Dictionary<string, int> byName = new(StringComparer.Ordinal);

    public int Count => times.Count;

    public IReadOnlyList<long> Times => times;

    public void Add(IntervalReport report, long time)
    {
        int at = times.Count;
        times.Add(time);
        var c = report.Cpu;
        double[] shares = [c.User, c.Nice, c.System, c.Iowait, c.Steal, c.Idle];
        for (int i = 0; i < shares.Length; i++)
        {
            cpu[i].Add(CFormat.Hundredths(shares[i]));
        }

        foreach (var device in report.Devices)
        {
            if (!byName.TryGetValue(device.Name, out int index))
            {
                byName[device.Name] = index = devices.Count;
                devices.Add((device.Name, device.Kind, DeviceColumns.Select(_ => new List<double?>()).ToArray()));
            }

            var columns = devices[index].Columns;
            double[] values = Values(device);
            for (int k = 0; k < values.Length; k++)
            {
                // A device that appears later, or reappears, has nothing before.
                while (columns[k].Count < at)
                {
                    columns[k].Add(null);
                }

                columns[k].Add(double.IsFinite(values[k]) ? CFormat.Hundredths(values[k]) : null);
            }
        }
    }

    public IReadOnlyDictionary<string, double[]> Cpu() =>
        CpuColumns.Select((name, i) => (name, values: cpu[i].ToArray())).ToDictionary(p => p.name, p => p.values, StringComparer.Ordinal);

    public IReadOnlyList<DeviceSeries> Devices() => devices.Select(d => new DeviceSeries(
        d.Name.TrimStart(' '),
        d.Kind,
        DeviceColumns.Select((name, k) => (name, values: Padded(d.Columns[k]))).ToDictionary(p => p.name, p => p.values, StringComparer.Ordinal))).ToList();

    private double?[] Padded(List<double?> column)
    {
        var values = new double?[times.Count];
        column.CopyTo(values);
        return values;
    }

    private static double[] Values(DeviceInterval d)
    {
        var (r, w, dc) = (d.Rates.Read, d.Rates.Write, d.Rates.Discard);
        return
        [
            r.PerSecond, w.PerSecond, dc.PerSecond, d.Rates.FlushesPerSecond,
            r.SectorsPerSecond / 2, w.SectorsPerSecond / 2, dc.SectorsPerSecond / 2,
            r.MergesPerSecond, w.MergesPerSecond, dc.MergesPerSecond, r.MergedPercent, w.MergedPercent, dc.MergedPercent,
            r.Await, w.Await, dc.Await, d.Rates.FlushAwait,
            r.RequestSectors / 2, w.RequestSectors / 2, dc.RequestSectors / 2, d.Rates.QueueSize, d.Util,
        ];
    }
}
