using System.Reflection;
using Kashika.Adapters.IoStat;
using Kashika.Core.IoStat;
using Kashika.Reports;
using Kashika.Reports.IoStat;

namespace Kashika.Cli.IoStat;

/// <summary>--format html: every interval of a recording as the iostat page (charts per device, CPU, summary).</summary>
internal static class IoStatChart
{
    public static ExitCode Write(IoStatOptions options, IoStatMachine machine, string? path, CliContext context)
    {
        // Every column of the extended report, for every interval; the since-boot report would flatten the charts.
        var chartOptions = options with { Json = false, Extended = true, Short = false, Human = false, Disk = true, Cpu = true, OmitSinceBoot = true };
        var series = new ReportSeries();
        foreach (var report in IoStatRun.SayingWraps(new IoStatEngine(chartOptions, machine.Source).Reports(), context).Where(r => !r.LeftOut))
        {
            series.Add(report, machine.Time(report.Index).ToUnixTimeMilliseconds());
        }
        if (series.Count == 0)
        {
            context.Fail("the recording has fewer than two samples: no interval to draw");
            return ExitCode.InputError;
        }

        var document = IoStatChartDocument.Create(
            series,
            "kashika " + (typeof(IoStatChart).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?"),
            machine.Host,
            machine.Kernel,
            context.Clock.LocalTimeZone);
        string? written = ReportWriter.Write(new IoStatChartFormat(), document, path, context.StandardOutput);
        if (written is not null)
        {
            context.Say($"wrote {written} ({series.Count} intervals, {document.Devices.Count} device{(document.Devices.Count == 1 ? "" : "s")})");
        }

        return ExitCode.Success;
    }
}
