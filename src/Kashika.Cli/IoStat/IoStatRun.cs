using System.Globalization;
using System.Reflection;
using Kashika.Adapters.IoStat;
using Kashika.Core.IoStat;
using Kashika.Reports;
using Kashika.Reports.IoStat;

namespace Kashika.Cli.IoStat;

/// <summary>
/// <c>kashika iostat</c>: sysstat's command line, plus --root for reading another machine's /proc and /sys, recordings,
/// a page and metrics.
/// </summary>
internal static class IoStatRun
{
    private const string Usage =
        "Usage: kashika iostat [ options ] [ <interval> [ <count> ] ]\n"
        + "Options are:\n"
        + "[ -c ] [ -d ] [ -h ] [ -k | -m | -G ] [ -N ] [ -s ] [ -t ] [ -U ] [ -x ] [ -y ] [ -z ]\n"
        + "[ --compact ] [ --dec={ 0 | 1 | 2 } ] [ --human ] [ --pretty ] [ -p [ <device> [,...] | ALL ] ]\n"
        + "[ -o JSON ] [ { -f | +f } <directory> ] [ -j { ID | LABEL | PATH | UUID | ... } ] [ [ -H ] -g <group_name> ] [ -N ]\n"
        + "[ <device> [...] | ALL ] [ --root <directory> [...] ]\n"
        + "[ { --record | --replay } <file> [ --format html -o <file> ] ] [ --format openmetrics [ -o <file> ] ]\n"
        + "[ --live ] [ --explain [ <column> ] ]\n";

    /// <summary>Parses (<see cref="IoStatCommandLine"/>), opens the machine read (this one, roots, a recording being made
    /// or replayed) and writes the reports in the format asked.</summary>
    public static ExitCode Execute(IReadOnlyList<string> args, CliContext context)
    {
        IoStatCommand command;
        try
        {
            command = IoStatCommandLine.Parse(args, context.Variable);
        }
        catch (IoStatUsageException e)
        {
            context.Fail(e.Message);
            context.Error.Write(new Spectre.Console.Text(Usage));
            return ExitCode.Usage;
        }

        if (command.Version)
        {
            // sysstat's -V: the version, here Kashika's and the sysstat it reproduces.
            string version = typeof(IoStatRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
            using var versionOutput = new StreamWriter(context.StandardOutput, new System.Text.UTF8Encoding(false), 256, leaveOpen: true);
            versionOutput.Write($"kashika iostat {version} (sysstat 12.8's iostat, report for report)\n");
            return ExitCode.Success;
        }

        if (command.Explain is { } column)
        {
            return Explain(column.Length == 0 ? null : column, context);
        }

        // The directories named, checked where they are read: --root under the current folder; -f DIR under each root
        // when relative (with --root), else under the current folder, as for sysstat.
        var roots = new List<string>();
        foreach (string root in command.Roots)
        {
            string full = Path.GetFullPath(root, context.CurrentDirectory);
            if (!Directory.Exists(full))
            {
                context.Fail($"--root {root}: no such directory");
                return ExitCode.Usage;
            }

            roots.Add(full);
        }

        var alternate = command.Alternate;
        if (roots.Count == 0)
        {
            roots.Add("/");
            alternate = alternate is null ? null : alternate with { Directory = Path.GetFullPath(alternate.Directory, context.CurrentDirectory) };
        }

        if (alternate is { } dir && !Directory.Exists(Path.IsPathRooted(dir.Directory) ? dir.Directory : Path.Combine(roots[0], dir.Directory)))
        {
            context.Fail($"{(dir.AsWell ? "+f" : "-f")} {dir.Directory}: no such directory");
            return ExitCode.Usage;
        }

        var options = command.Options;
        FileStream? recordingFile = null;
        ManualResetEventSlim? stopRecording = null;
        try
        {
            IoStatMachine machine;
            if (command.Replay is { } replay)
            {
                string path = Path.GetFullPath(replay, context.CurrentDirectory);
                if (!File.Exists(path))
                {
                    context.Fail($"{replay}: no such file");
                    return ExitCode.InputError;
                }

                // The whole recording is checked first, so a corrupt one prints nothing rather than a part passed off as whole.
                recordingFile = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
                machine = IoStatMachine.Replay(recordingFile, replay, context.Clock);
                if (machine.CutShort is { } cut)
                {
                    context.Warn($"{replay}: {cut}; it is left out");
                }

                if (options.Interval == 0)
                {
                    options = options with { Interval = 1, Count = -1 }; // every recorded sample, unless a count says otherwise
                }
                else
                {
                    // Rates are over the time between recorded samples; an interval cannot be replayed at another pace.
                    context.Say($"{replay}: each report is the next recorded sample, over the time it was recorded after the one before; the interval given ({options.Interval}) is not applied, the count is");
                }
            }
            else if (command.Record is { } record)
            {
                try
                {
                    recordingFile = new FileStream(Path.GetFullPath(record, context.CurrentDirectory), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    context.Fail($"cannot write {record}: {(e is DirectoryNotFoundException ? "no such directory" : e.Message)}");
                    return ExitCode.OutputError;
                }

                if (!MachineRecorder.EndsWithWholeSample(recordingFile))
                {
                    context.Fail($"{record} does not end with a whole sample (an interrupted recording, or not a recording): record to a new file");
                    return ExitCode.InputError;
                }

                // Ctrl-C (or SIGTERM) ends a recording after its last whole sample, so the reports end cleanly and
                // --format html still draws what was recorded.
                stopRecording = new ManualResetEventSlim();
                var stop = stopRecording;
                Interrupts.Graceful = stop.Set;
                machine = IoStatMachine.Recorded(
                    roots[0], new OutputGuard(recordingFile, record), TimeSpan.FromSeconds(options.Interval), interval => !stop.Wait(interval), context.Clock);
            }
            else
            {
                machine = IoStatMachine.Live(roots, alternate, TimeSpan.FromSeconds(options.Interval), context.Clock);
            }

            if (options.PersistentNameType is { } type && !machine.Source.HasPersistentNames(type))
            {
                context.Fail("Invalid type of persistent device name");
                return ExitCode.Usage;
            }

            var result = Write(command, options, machine, context);
            if (command.Output == IoStatOutput.Html && command.Record is { } recorded && result == ExitCode.Success)
            {
                // A live run's recording, drawn whole once it ends.
                recordingFile!.Position = 0;
                result = IoStatChart.Write(options with { Interval = 1, Count = -1 }, IoStatMachine.Replay(recordingFile, recorded, context.Clock), command.OutputFile, context);
            }

            if (machine.Replayed is { } replayed)
            {
                context.Say(replayed());
            }

            return result;
        }
        catch (IoStatException e)
        {
            context.Fail($"{command.Replay ?? roots[0]}: {e.Message}");
            return ExitCode.InputError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Kashika.Core.Common.InputException(e.Message);
        }
        finally
        {
            recordingFile?.Dispose();
            Interrupts.Graceful = null;
            stopRecording?.Dispose();
        }
    }

    // The reports in the format asked: metrics, the page of a replay, or sysstat's text or JSON (drawn in place with --live).
    private static ExitCode Write(IoStatCommand command, IoStatOptions options, IoStatMachine machine, CliContext context)
    {
        if (command.Output == IoStatOutput.OpenMetrics)
        {
            return WriteMetrics(options, machine.Source, command.OutputFile, context);
        }

        if (command.Output == IoStatOutput.Html && command.Replay is not null)
        {
            return IoStatChart.Write(options, machine, command.OutputFile, context);
        }

        var print = new IoStatPrint(
            options, machine.Banner(context.Clock), SayingWraps(new IoStatEngine(options, machine.Source).Reports(IoStatPrint.TablesOf(options)), context),
            report => Timestamp(machine.Time(report), options.EpochTimestamps, context.Variable("S_TIME_FORMAT") == "ISO"));
        if (command.Live && context.ErrorIsTerminal && !options.Json)
        {
            LiveView.Run(print, context);
        }
        else
        {
            IReportFormat<IoStatPrint> format = options.Json ? new IoStatJsonFormat() : new IoStatTextFormat();
            format.Write(print, context.StandardOutput);
        }

        return ExitCode.Success;
    }

    /// <summary>The reports as they come, saying each device whose io_ticks or time_in_queue wrapped past 2^32 ms since
    /// the sample before: its %util and aqu-sz are taken across the wrap, where sysstat 12.7 and later print 0.00.</summary>
    internal static IEnumerable<IntervalReport> SayingWraps(IEnumerable<IntervalReport> reports, CliContext context)
    {
        foreach (var report in reports)
        {
            foreach (var device in report.Devices.Where(d => d.Rates.Wrapped))
            {
                context.Warn($"{device.Name}: io_ticks or time_in_queue passed 2^32 ms since the previous sample; %util and aqu-sz are taken across the wrap (sysstat 12.7 and later print 0.00 there)");
            }

            yield return report;
        }
    }

    // --format openmetrics: each report's figures as gauges; with -o the file is replaced whole at every interval, so
    // node_exporter's textfile collector never reads half of one. With an interval the since-boot report is left out:
    // a gauge says what happens now, not an average since boot.
    private static ExitCode WriteMetrics(IoStatOptions options, ISystemSource source, string? path, CliContext context)
    {
        var metricsOptions = options with
        {
            Json = false, Extended = true, Short = false, Cpu = true, Disk = true, OmitSinceBoot = options.OmitSinceBoot || options.Interval > 0,
        };
        var format = new IoStatMetricsFormat();
        foreach (var report in SayingWraps(new IoStatEngine(metricsOptions, source).Reports(), context).Where(r => !r.LeftOut))
        {
            ReportWriter.Write(format, report, path ?? "-", context.StandardOutput);
        }

        return ExitCode.Success;
    }

    // --explain [COLUMN]: what every column (or one) measures, as plain text on standard output.
    private static ExitCode Explain(string? column, CliContext context)
    {
        var chosen = column is null ? ColumnGuide.Columns : ColumnGuide.Find(column) is { } one ? [one] : null;
        if (chosen is null)
        {
            context.Fail($"no iostat column '{column}'; columns: {string.Join(' ', ColumnGuide.Columns.Select(c => c.Column))}");
            return ExitCode.Usage;
        }

        using var output = new StreamWriter(context.StandardOutput, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        foreach (var c in chosen)
        {
            output.Write(ColumnGuide.Describe(c));
            output.WriteLine();
        }

        return ExitCode.Success;
    }

    // -t: the local time as sysstat prints it (ISO 8601 with S_TIME_FORMAT=ISO); -U: seconds since the epoch.
    private static string Timestamp(DateTimeOffset time, bool epoch, bool iso) =>
        epoch ? time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
        : iso ? time.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture).Remove(22, 1)
        : time.ToString("MM/dd/yy HH:mm:ss", CultureInfo.InvariantCulture);
}
