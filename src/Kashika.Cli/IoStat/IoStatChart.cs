using System.Reflection;
using System.Text.Json;
using Kashika.Core.IoStat;
using Kashika.Reports;
using Kashika.Reports.IoStat;

namespace Kashika.Cli.IoStat;

/// <summary>--format html: the extended report of every recorded interval, as an interactive time series.</summary>
internal static class IoStatChart
{
    public static ExitCode Write(IoStatOptions options, ISystemSource source, Func<int, DateTimeOffset> time, string host, string? path, CliContext context)
    {
        // The same numbers iostat prints (its JSON), for every interval; the since-boot report would flatten the chart.
        var chartOptions = options with { Json = true, Extended = true, Short = false, Human = false, Disk = true, Cpu = false, Timestamp = true, OmitSinceBoot = true };
        var json = new StringWriter();
        json.Write("{\"sysstat\": {\"hosts\": [{\"statistics\": [\n");
        var times = new List<string>();
        new IoStatEngine(chartOptions, source).Run(json, report =>
        {
            var at = time(report + 1).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            times.Add(at);
            return at;
        });

        using var parsed = JsonDocument.Parse(json.ToString());
        var reports = parsed.RootElement.GetProperty("sysstat").GetProperty("hosts")[0].GetProperty("statistics").EnumerateArray().ToList();
        var columns = new List<string>();
        var series = new Dictionary<string, Dictionary<string, double?[]>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int r = 0; r < reports.Count; r++)
        {
            foreach (var disk in reports[r].GetProperty("disk").EnumerateArray())
            {
                string name = disk.GetProperty("disk_device").GetString() ?? "?";
                if (!series.TryGetValue(name, out var values))
                {
                    series[name] = values = new Dictionary<string, double?[]>(StringComparer.Ordinal);
                    order.Add(name);
                }

                foreach (var property in disk.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number))
                {
                    if (!columns.Contains(property.Name))
                    {
                        columns.Add(property.Name);
                    }

                    if (!values.TryGetValue(property.Name, out var column))
                    {
                        values[property.Name] = column = new double?[reports.Count];
                    }

                    column[r] = property.Value.GetDouble();
                }
            }
        }

        var document = new IoStatChartDocument(
            IoStatChartDocument.SchemaName,
            "kashika " + (typeof(IoStatChart).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?"),
            host,
            columns,
            times.Take(reports.Count).ToList(),
            order.Select(n => new DeviceSeries(n, series[n])).ToList());
        if (reports.Count == 0)
        {
            context.Fail("the recording has fewer than two samples: no interval to draw");
            return ExitCode.InputError;
        }

        try
        {
            string? written = ReportWriter.Write(new IoStatChartFormat(), document, path, context.StandardOutput);
            if (written is not null)
            {
                context.Say($"wrote {written} ({reports.Count} intervals, {order.Count} devices)");
            }
        }
        catch (OutputException e)
        {
            context.Fail(e.Message);
            return ExitCode.OutputError;
        }

        return ExitCode.Success;
    }
}
