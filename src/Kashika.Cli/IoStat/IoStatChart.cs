using System.Reflection;
using Kashika.Core.IoStat;
using Kashika.Reports;
using Kashika.Reports.IoStat;

namespace Kashika.Cli.IoStat;

/// <summary>--format html: every interval of a recording as the iostat page (charts per device, CPU, summary).</summary>
internal static class IoStatChart
{
    /// <param name="time">The time of the sample just read, in milliseconds since the epoch.</param>
    public static ExitCode Write(IoStatOptions options, ISystemSource source, Func<long> time, string host, string kernel, string? path, CliContext context)
    {
        // Every column of the extended report, for every interval; the since-boot report would flatten the charts.
        var chartOptions = options with { Json = false, Extended = true, Short = false, Human = false, Disk = true, Cpu = true, OmitSinceBoot = true };
        var series = new ReportSeries();
        new IoStatEngine(chartOptions, source).Run(report => series.Add(report, time()));
        if (series.Count == 0)
        {
            context.Fail("the recording has fewer than two samples: no interval to draw");
            return ExitCode.InputError;
        }

        var devices = series.Devices();
        var document = new IoStatChartDocument(
            IoStatChartDocument.SchemaName,
            "kashika " + (typeof(IoStatChart).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?"),
            host,
            kernel,
            TimeZoneInfo.Local.Id,
            Offsets(series.Times, TimeZoneInfo.Local),
            series.Times.Select((t, i) => i == 0 ? t : t - series.Times[i - 1]).ToList(),
            Help(),
            series.Cpu(),
            devices.Select(d => new DeviceColumns(d.Name, d.Kind.ToString().ToLowerInvariant(), d.Values)).ToList());
        try
        {
            string? written = ReportWriter.Write(new IoStatChartFormat(), document, path, context.StandardOutput);
            if (written is not null)
            {
                context.Say($"wrote {written} ({series.Count} intervals, {devices.Count} devices)");
            }
        }
        catch (OutputException e)
        {
            context.Fail(e.Message);
            return ExitCode.OutputError;
        }

        return ExitCode.Success;
    }

    // The page shows times as the text report does: in this machine's zone, whose offset may change (summer time).
    private static List<ZoneOffset> Offsets(IReadOnlyList<long> times, TimeZoneInfo zone)
    {
        var offsets = new List<ZoneOffset>();
        for (int i = 0; i < times.Count; i++)
        {
            int minutes = (int)zone.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(times[i])).TotalMinutes;
            if (offsets.Count == 0 || offsets[^1].Minutes != minutes)
            {
                offsets.Add(new ZoneOffset(i, minutes));
            }
        }

        return offsets;
    }

    // Every charted column and every older name the page accepts, with --explain's own text.
    private static List<ColumnHelp> Help() =>
        ReportSeries.DeviceColumns.Concat(ReportSeries.CpuColumns).Concat(["avgqu-sz", "avgrq-sz", "svctm", "rsec/s", "wsec/s"])
            .Select(name => ColumnGuide.Find(name) ?? throw new InvalidOperationException($"no explanation of {name}"))
            .Select(c => new ColumnHelp(c.Column, c.Unit, ColumnGuide.Describe(c)))
            .ToList();
}
