using System.Text;
using Kashika.Core.IoStat;

namespace Kashika.Reports.IoStat;

/// <summary>iostat's reports as sysstat prints them (text, or JSON with -o JSON).</summary>
/// <param name="Reports">The engine's reports, read as they are written: a live run waits its interval between two.</param>
/// <param name="Timestamp">The -t line of the report of that index (<see cref="IntervalReport.Index"/>).</param>
public sealed record IoStatPrint(IoStatOptions Options, MachineBanner Machine, IEnumerable<IntervalReport> Reports, Func<int, string> Timestamp)
{
    /// <summary>The tables each report is printed as (<see cref="IoStatEngine.Reports"/>): four for sysstat's pretty
    /// extended text report (reads, writes, discards, flushes and totals), else one.</summary>
    public static int TablesOf(IoStatOptions o) => !o.Json && o.Pretty && o.Extended && !o.Short && !o.Compact ? 4 : 1;
}

/// <summary>sysstat's text report: the banner, then each report, flushed as soon as it is written.</summary>
public sealed class IoStatTextFormat : IReportFormat<IoStatPrint>
{
    public string Name => "text";

    public string? DefaultFileName => null;

    public static string Banner(MachineBanner m) => $"Linux {m.Release} ({m.Host}) \t{m.Date} \t_{m.Architecture}_\t({m.Cpus} CPU)\n";

    public void Write(IoStatPrint model, Stream output)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var options = model.Options;
        writer.Write(Banner(model.Machine));
        if (!options.OmitSinceBoot || options.Interval == 0)
        {
            writer.Write('\n');
        }

        writer.Flush();
        var rows = new IoStatRows(options);
        foreach (var report in model.Reports)
        {
            writer.Write(Report(report, options, model.Timestamp, rows));
            writer.Write('\n');
            writer.Flush();
        }
    }

    /// <summary>One report as sysstat prints it, without the blank line that follows every report; empty for one left out.</summary>
    public static string Report(IntervalReport report, IoStatOptions options, Func<int, string> timestamp) =>
        Report(report, options, timestamp, new IoStatRows(options));

    private static string Report(IntervalReport report, IoStatOptions options, Func<int, string> timestamp, IoStatRows rows)
    {
        if (report.LeftOut)
        {
            return "";
        }

        var text = new StringBuilder();
        if (options.Timestamp)
        {
            text.Append(timestamp(report.Index)).Append('\n');
        }

        if (options.Cpu)
        {
            var c = report.Cpu;
            text.Append("avg-cpu:  %user   %nice %system %iowait  %steal   %idle\n       ");
            foreach (double share in (ReadOnlySpan<double>)[c.User, c.Nice, c.System, c.Iowait, c.Steal, c.Idle])
            {
                text.Append(rows.Percent(share, 7));
            }

            text.Append("\n\n");
        }

        if (options.Disk)
        {
            // A pretty extended report is four tables (reads, writes, discards, flushes and totals) unless --compact.
            bool parts = report.Tables.Count == 4;
            int first = parts ? 1 : 0, last = parts ? 4 : 0;
            for (int part = first; part <= last; part++)
            {
                text.Append(Header(options, part));
                foreach (var device in report.Tables[Math.Max(0, part - 1)])
                {
                    text.Append(options.Extended ? rows.Extended(device, part) : rows.Basic(device));
                }

                if (part > 0 && part < last)
                {
                    text.Append('\n');
                }
            }
        }

        return text.Append('\n').ToString();
    }

    private static string Header(IoStatOptions options, int part)
    {
        string units = options.Unit.Label(options.Extended ? "sec" : "Blk");
        string spc = options.Unit == IoStatUnit.Blocks ? "" : " ";
        string columns;
        if (options.Extended && options.Short)
        {
            columns = $"      tps     {spc}{units}/s    rqm/s   await  areq-sz  aqu-sz  %util";
        }
        else if (options.Extended)
        {
            var parts = new[]
            {
                $"     r/s    {spc}r{units}/s   rrqm/s  %rrqm r_await rareq-sz",
                $"     w/s    {spc}w{units}/s   wrqm/s  %wrqm w_await wareq-sz",
                $"     d/s    {spc}d{units}/s   drqm/s  %drqm d_await dareq-sz",
                "     f/s f_await  aqu-sz  %util",
            };
            columns = part == 0 ? string.Concat(parts) : parts[part - 1];
        }
        else
        {
            columns = options.Short
                ? $"      tps   {spc}{units}_read/s    {spc}{units}_w+d/s   {spc}{units}_read    {spc}{units}_w+d"
                : $"      tps   {spc}{units}_read/s   {spc}{units}_wrtn/s   {spc}{units}_dscd/s   {spc}{units}_read   {spc}{units}_wrtn   {spc}{units}_dscd";
        }

        return options.Pretty ? columns + " Device\n" : "Device       " + columns + "\n";
    }
}

/// <summary>sysstat's JSON document (-o JSON): its layout to the byte, every string through <see cref="Json.Quoted"/>.</summary>
public sealed class IoStatJsonFormat : IReportFormat<IoStatPrint>
{
    public string Name => "json";

    public string? DefaultFileName => null;

    public void Write(IoStatPrint model, Stream output)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var m = model.Machine;
        writer.Write("{\"sysstat\": {\n\t\"hosts\": [\n\t\t{\n"
            + $"\t\t\t\"nodename\": {Json.Quoted(m.Host)},\n\t\t\t\"sysname\": \"Linux\",\n"
            + $"\t\t\t\"release\": {Json.Quoted(m.Release)},\n\t\t\t\"machine\": {Json.Quoted(m.Architecture)},\n"
            + $"\t\t\t\"number-of-cpus\": {m.Cpus},\n\t\t\t\"date\": {Json.Quoted(m.Date)},\n\t\t\t\"statistics\": [\n");
        writer.Flush();
        // sysstat ends a report with ",\n" when another follows, "\n" when it was left out or is the last: the comma
        // waits for the next report.
        bool first = true, shown = false;
        foreach (var report in model.Reports)
        {
            if (!first)
            {
                writer.Write(shown ? ",\n" : "\n");
            }

            first = false;
            shown = !report.LeftOut;
            if (shown)
            {
                writer.Write(Report(report, model.Options, model.Timestamp));
            }

            writer.Flush();
        }

        writer.Write("\n\t\t\t]\n\t\t}\n\t]\n}}\n");
    }

    private static string Report(IntervalReport report, IoStatOptions options, Func<int, string> timestamp)
    {
        var text = new StringBuilder("\t\t\t\t{\n");
        if (options.Timestamp)
        {
            text.Append("\t\t\t\t\t\"timestamp\": ").Append(Json.Quoted(timestamp(report.Index))).Append(",\n");
        }

        if (options.Cpu)
        {
            var c = report.Cpu;
            text.Append("\t\t\t\t\t\"avg-cpu\":  {")
                .Append($"\"user\": {F(c.User)}, \"nice\": {F(c.Nice)}, \"system\": {F(c.System)}, ")
                .Append($"\"iowait\": {F(c.Iowait)}, \"steal\": {F(c.Steal)}, \"idle\": {F(c.Idle)}}}")
                .Append(options.Disk ? ",\n" : "\n");
        }

        if (options.Disk)
        {
            text.Append("\t\t\t\t\t\"disk\": [\n");
            text.AppendJoin(",\n", report.Devices.Select(d => "\t\t\t\t\t\t" + (options.Extended ? JsonRows.Extended(d, options) : JsonRows.Basic(d, options))));
            text.Append("\n\t\t\t\t\t]\n");
        }

        return text.Append("\t\t\t\t}").ToString();
    }

    private static string F(double value) => CFormat.Fixed(value, 2);
}
