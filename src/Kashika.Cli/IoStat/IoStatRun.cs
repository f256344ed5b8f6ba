using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Kashika.Adapters.IoStat;
using Kashika.Core.IoStat;

namespace Kashika.Cli.IoStat;

/// <summary>
/// <c>kashika iostat</c>: sysstat's command line (options, devices, interval and count in any order, as iostat reads
/// them), plus --root for reading another machine's (or a recorded) /proc and /sys.
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

    // Accepted by sysstat, not yet here: refused with a clear message rather than silently ignored.
    public static ExitCode Execute(IReadOnlyList<string> args, CliContext context)
    {
        if (args.Count == 1 && args[0] is "-V" or "--version")
        {
            // sysstat's -V: the version, here Kashika's and the sysstat it reproduces.
            string version = typeof(IoStatRun).Assembly.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
            using var versionOutput = new StreamWriter(context.StandardOutput, new System.Text.UTF8Encoding(false), 256, leaveOpen: true);
            versionOutput.Write($"kashika iostat {version} (sysstat 12.8's iostat, report for report)\n");
            return ExitCode.Success;
        }

        int explain = args.ToList().IndexOf("--explain");
        if (explain >= 0)
        {
            return Explain(args.Skip(explain + 1).FirstOrDefault(a => !a.StartsWith('-')), context);
        }

        IoStatOptions options;
        List<string> roots;
        (string Directory, bool AsWell)? alternate;
        Extras extras;
        try
        {
            (options, roots, alternate, extras) = Parse(args, context.CurrentDirectory);
        }
        catch (UsageException e)
        {
            if (e.Message.Length > 0)
            {
                context.Fail(e.Message);
            }
            else
            {
                context.Error.Write(new Spectre.Console.Text(Usage));
            }

            return ExitCode.Usage;
        }

        FileStream? recordingFile = null;
        Func<string>? replayed = null;
        ManualResetEventSlim? stopRecording = null;
        try
        {
            ISystemSource source;
            Func<int, DateTimeOffset> time;
            Func<string, string?> machineFile;
            if (extras.Replay is { } replay)
            {
                string path = Path.GetFullPath(replay, context.CurrentDirectory);
                if (!File.Exists(path))
                {
                    context.Fail($"{replay}: no such file");
                    return ExitCode.InputError;
                }

                recordingFile = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
                // The whole recording is checked first, so a corrupt one prints nothing rather than a part passed off as whole.
                var (count, cutShort) = RecordingReader.Check(recordingFile, replay);
                if (count == 0)
                {
                    context.Fail($"{replay}: no complete sample in this recording{(cutShort is null ? "" : $" ({cutShort})")}");
                    return ExitCode.InputError;
                }

                if (cutShort is not null)
                {
                    context.Warn($"{replay}: {cutShort}; it is left out");
                }

                recordingFile.Position = 0;
                var reader = new RecordingReader(recordingFile, replay);
                var recorded = new RecordedSystemSource(reader.Next()!, reader.Next);
                if (options.Interval == 0)
                {
                    options = options with { Interval = 1, Count = -1 }; // every recorded sample, unless a count says otherwise
                }

                source = recorded;
                time = _ => DateTimeOffset.FromUnixTimeMilliseconds(recorded.Current.Time).ToLocalTime();
                machineFile = FileOf(recorded.Current);
                replayed = () => $"{replay}: replayed {reader.Samples} of its {count} whole samples";
            }
            else if (extras.Record is { } record)
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
                var recorder = MachineRecorder.Start(
                    roots[0], new Kashika.Reports.OutputGuard(recordingFile, record), TimeSpan.FromSeconds(options.Interval), interval => !stop.Wait(interval), context.Clock);
                source = recorder;
                time = _ => DateTimeOffset.FromUnixTimeMilliseconds(recorder.Current.Time).ToLocalTime();
                machineFile = FileOf(recorder.Current);
            }
            else
            {
                source = new RootSystemSource(roots, TimeSpan.FromSeconds(options.Interval), Thread.Sleep, alternate?.Directory, alternate?.AsWell ?? false);
                var start = context.Clock.GetLocalNow();
                time = report => roots.Count > 1 ? start.AddSeconds(options.Interval * report) : context.Clock.GetLocalNow();
                string root = roots[0];
                machineFile = relative => File.Exists(Path.Combine(root, relative)) ? File.ReadAllText(Path.Combine(root, relative)) : null;
            }

            if (options.PersistentNameType is { } type && !source.HasPersistentNames(type))
            {
                context.Fail("Invalid type of persistent device name");
                return ExitCode.Usage;
            }

            if (extras.Format == "openmetrics")
            {
                return WriteMetrics(options, source, extras.Output, context);
            }

            if (extras.Format == "html" && extras.Replay is not null)
            {
                return IoStatChart.Write(
                    options, source, () => time(0).ToUnixTimeMilliseconds(), machineFile("proc/sys/kernel/hostname")?.Trim() ?? "",
                    machineFile("proc/sys/kernel/osrelease")?.Trim() ?? "", extras.Output, context);
            }

            string banner = Banner(machineFile, context.Clock, options.Json) + (!options.Json && (!options.OmitSinceBoot || options.Interval == 0) ? "\n" : "");
            var engine = new IoStatEngine(options, source);
            if (extras.Live && context.ErrorIsTerminal && !options.Json)
            {
                LiveView.Run(engine, banner, report => Timestamp(time(report), options.EpochTimestamps), context);
                return ExitCode.Success;
            }

            var output = new StreamWriter(context.StandardOutput, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true) { AutoFlush = roots.Count == 1 };
            try
            {
                output.Write(banner);
                engine.Run(output, report => Timestamp(time(report), options.EpochTimestamps));
            }
            finally
            {
                output.Flush();
            }

            if (extras.Format == "html" && recordingFile is not null)
            {
                // A live run's recording, drawn whole once it ends.
                recordingFile.Position = 0;
                var reader = new RecordingReader(recordingFile, extras.Record!);
                var recorded = new RecordedSystemSource(reader.Next()!, reader.Next);
                return IoStatChart.Write(
                    options with { Interval = 1, Count = -1 }, recorded, () => recorded.Current.Time, machineFile("proc/sys/kernel/hostname")?.Trim() ?? "",
                    machineFile("proc/sys/kernel/osrelease")?.Trim() ?? "", extras.Output, context);
            }
        }
        catch (IoStatException e)
        {
            context.Fail($"{extras.Replay ?? roots[0]}: {e.Message}");
            return ExitCode.InputError;
        }
        catch (Kashika.Core.Common.InputException e)
        {
            context.Fail(e.Message);
            return ExitCode.InputError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Fail(e.Message);
            return ExitCode.InputError;
        }
        finally
        {
            recordingFile?.Dispose();
            Interrupts.Graceful = null;
            stopRecording?.Dispose();
        }

        if (replayed is not null)
        {
            context.Say(replayed());
        }

        return ExitCode.Success;
    }

    /// <summary>Kashika's own options, beyond sysstat's.</summary>
    /// <param name="Format">null (sysstat's text or JSON), "html" or "openmetrics".</param>
    private sealed record Extras(string? Record, string? Replay, string? Format, string? Output, bool Live);

    // --format openmetrics: each report's figures as gauges; with -o the file is replaced whole at every interval, so
    // node_exporter's textfile collector never reads half of one. With an interval the since-boot report is left out:
    // a gauge says what happens now, not an average since boot.
    private static ExitCode WriteMetrics(IoStatOptions options, ISystemSource source, string? path, CliContext context)
    {
        var metricsOptions = options with
        {
            Json = false, Extended = true, Short = false, Cpu = true, Disk = true, OmitSinceBoot = options.OmitSinceBoot || options.Interval > 0,
        };
        var format = new Kashika.Reports.IoStat.IoStatMetricsFormat();
        try
        {
            new IoStatEngine(metricsOptions, source).Run(report => Kashika.Reports.ReportWriter.Write(format, report, path ?? "-", context.StandardOutput));
        }
        catch (Kashika.Reports.OutputException e)
        {
            context.Fail(e.Message);
            return ExitCode.OutputError;
        }

        return ExitCode.Success;
    }

    private sealed class UsageException(string message) : Exception(message);

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

    private static (IoStatOptions Options, List<string> Roots, (string, bool)? Alternate, Extras Extras) Parse(IReadOnlyList<string> args, string currentDirectory)
    {
        var options = new IoStatOptions();
        var extras = new Extras(null, null, null, null, false);
        (string Directory, bool AsWell)? alternate = null;
        var devices = new List<RequestedDevice>();
        var roots = new List<string>();
        bool reportSet = false, intervalSeen = false, countSeen = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            // -o JSON is sysstat's; -o FILE names the file of --format html or openmetrics.
            if (arg is "--record" or "--replay" or "--format" || (arg == "-o" && i + 1 < args.Count && args[i + 1] != "JSON"))
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{arg} needs a value");
                }

                string value = args[++i];
                extras = arg switch
                {
                    "--record" => extras with { Record = value },
                    "--replay" => extras with { Replay = value },
                    "-o" => extras with { Output = value },
                    _ => value is "html" or "openmetrics" ? extras with { Format = value }
                        : throw new UsageException($"--format {value}: iostat writes text (the default), JSON (-o JSON), html or openmetrics"),
                };
            }
            else if (arg == "--live")
            {
                extras = extras with { Live = true };
            }
            else if (arg == "--root")
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException("--root needs a directory");
                }

                string root = Path.GetFullPath(args[++i], currentDirectory);
                if (!Directory.Exists(root))
                {
                    throw new UsageException($"--root {args[i]}: no such directory");
                }

                roots.Add(root);
            }
            else if (arg == "-p")
            {
                // "-p" alone, or followed by a list (not a number, not an option).
                if (i + 1 < args.Count && !args[i + 1].All(char.IsAsciiDigit) && !args[i + 1].StartsWith('-'))
                {
                    options = options with { Unfiltered = true };
                    foreach (string name in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (name == "ALL")
                        {
                            options = options with { Everything = true };
                        }
                        else
                        {
                            devices.Add(new RequestedDevice(DeviceName(name), WithPartitions: true));
                        }
                    }
                }
                else
                {
                    options = options with { Everything = true };
                }
            }
            else if (arg == "-o")
            {
                if (i + 1 >= args.Count || args[i + 1] != "JSON")
                {
                    throw new UsageException("");
                }

                i++;
                options = options with { Json = true };
            }
            else if (arg is "-f" or "+f")
            {
                if (alternate is not null || i + 1 >= args.Count)
                {
                    throw new UsageException("");
                }

                alternate = (args[++i], arg[0] == '+');
            }
            else if (arg == "-j")
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException("");
                }

                // Persistent names are long: sysstat shows them last (pretty).
                options = options with { PersistentNameType = args[++i].ToLowerInvariant(), Pretty = true };
            }
            else if (arg == "-g")
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException("");
                }

                devices.Add(new RequestedDevice(args[++i], WithPartitions: false, IsGroup: true));
            }
            else if (arg is "--human" or "--pretty" or "--compact")
            {
                options = arg switch
                {
                    "--human" => options with { Human = true },
                    "--pretty" => options with { Pretty = true },
                    _ => options with { Compact = true },
                };
            }
            else if (arg.StartsWith("--dec=", StringComparison.Ordinal))
            {
                if (arg.Length != 7 || arg[6] is < '0' or > '2')
                {
                    throw new UsageException("");
                }

                options = options with { DecimalPlaces = arg[6] - '0' };
            }
            else if (arg.StartsWith('-') && arg.Length > 1 && !arg.StartsWith("--", StringComparison.Ordinal))
            {
                foreach (char c in arg[1..])
                {
                    options = c switch
                    {
                        'c' => options with { Cpu = true },
                        'd' => options with { Disk = true },
                        'k' when options.Unit is 1 or 0 => options with { Unit = 1 },
                        'm' when options.Unit is 1 or 2 => options with { Unit = 2 },
                        'G' when options.Unit is 1 or 3 => options with { Unit = 3 },
                        'h' => options with { Human = true, Pretty = true },
                        'H' => options with { GroupTotalsOnly = true },
                        'N' => options with { DeviceMapperNames = true },
                        'U' => options with { Timestamp = true, EpochTimestamps = true },
                        'p' => options with { Everything = true },
                        's' => options with { Short = true },
                        't' => options with { Timestamp = true },
                        'x' => options with { Extended = true },
                        'y' => options with { OmitSinceBoot = true },
                        'z' => options with { OmitIdle = true },
                        _ => throw new UsageException(""),
                    };
                    reportSet |= c is 'c' or 'd';
                }
            }
            else if (!arg.All(char.IsAsciiDigit) || arg.Length == 0)
            {
                options = options with { Unfiltered = true };
                if (arg == "ALL")
                {
                    options = options with { AllDevices = true };
                }
                else
                {
                    devices.Add(new RequestedDevice(DeviceName(arg), WithPartitions: false));
                }
            }
            else if (!intervalSeen)
            {
                // sysstat takes an interval up to what its clock can sleep; beyond a year is a typo, not a plan.
                if (!long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out long interval) || interval > 366L * 24 * 3600)
                {
                    throw new UsageException($"interval {arg}: a whole number of seconds up to a year");
                }

                options = options with { Interval = interval, Count = -1 };
                intervalSeen = true;
            }
            else if (!countSeen)
            {
                if (!long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                {
                    throw new UsageException($"count {arg}: a whole number of reports up to {long.MaxValue}");
                }

                if (count < 1 || options.Interval == 0)
                {
                    throw new UsageException("");
                }

                options = options with { Count = count };
                countSeen = true;
            }
            else
            {
                throw new UsageException("");
            }
        }

        if (options.Interval == 0)
        {
            options = options with { Count = 1 };
        }

        if (!reportSet)
        {
            options = options with { Cpu = true, Disk = true };
        }

        if (options.Everything || options.Extended || options.Unfiltered)
        {
            options = options with { Disk = true };
        }

        if (!options.Unfiltered)
        {
            options = options with { AllDevices = true };
        }

        if (options.GroupTotalsOnly && !devices.Any(d => d.IsGroup))
        {
            throw new UsageException(""); // -H goes with -g
        }

        if (Environment.GetEnvironmentVariable("POSIXLY_CORRECT") is not null && options.Unit == 1 && !args.Any(a => a.StartsWith('-') && a.Contains('k')))
        {
            options = options with { Unit = 0 };
        }

        bool explicitRoots = roots.Count > 0;
        if (roots.Count == 0)
        {
            roots.Add("/");
            if (alternate is { } alt)
            {
                // Without --root, a relative directory is relative to where kashika runs, as for sysstat.
                alternate = (Path.GetFullPath(alt.Directory, currentDirectory), alt.AsWell);
            }
        }

        if (alternate is { } dir && !Directory.Exists(Path.IsPathRooted(dir.Directory) ? dir.Directory : Path.Combine(roots[0], dir.Directory)))
        {
            throw new UsageException($"{dir.Directory}: no such directory");
        }

        if (extras.Output is not null && extras.Format is null)
        {
            throw new UsageException($"-o {extras.Output}: iostat's -o takes JSON; -o FILE goes with --format html or openmetrics");
        }

        if (extras.Format == "html" && extras.Replay is null && extras.Record is null)
        {
            throw new UsageException("--format html draws a recording: give it with --replay FILE, or record one with --record FILE (the page is written when the run ends)");
        }

        if (extras.Replay is not null && (explicitRoots || alternate is not null))
        {
            throw new UsageException("--replay reads a recording: it goes with neither --root nor -f/+f");
        }

        if (extras.Record is not null && (extras.Replay is not null || roots.Count > 1))
        {
            throw new UsageException("--record reads a live machine: it goes with neither --replay nor several --root");
        }

        return (options with { Devices = devices }, roots, alternate, extras);
    }

    // "/dev/sda" and "sda" name the same device; a '/' inside a name (cciss/c0d0) is '!' in sysfs.
    private static string DeviceName(string name) => name.StartsWith("/dev/", StringComparison.Ordinal) ? name[5..] : name;

    // A file of the machine's first sample, or null.
    private static Func<string, string?> FileOf(Recording sample) =>
        relative => sample.Files.FirstOrDefault(f => f.Path == relative).Content is { } content ? System.Text.Encoding.UTF8.GetString(content) : null;

    private static string Banner(Func<string, string?> machineFile, TimeProvider clock, bool json)
    {
        string Read(string relative) => machineFile(relative)?.Trim() ?? "?";
        string release = Read("proc/sys/kernel/osrelease");
        string host = Read("proc/sys/kernel/hostname");
        string stat = Read("proc/stat");
        int cpus = stat.Split('\n').Count(l => l.StartsWith("cpu", StringComparison.Ordinal) && l.Length > 3 && char.IsAsciiDigit(l[3]));
        string machine = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            var other => other.ToString().ToLowerInvariant(),
        };
        string date = clock.GetLocalNow().ToString("MM/dd/yy", CultureInfo.InvariantCulture);
        if (json)
        {
            return "{\"sysstat\": {\n\t\"hosts\": [\n\t\t{\n"
                + $"\t\t\t\"nodename\": \"{Kashika.Core.IoStat.JsonRows.Escape(host)}\",\n\t\t\t\"sysname\": \"Linux\",\n"
                + $"\t\t\t\"release\": \"{Kashika.Core.IoStat.JsonRows.Escape(release)}\",\n\t\t\t\"machine\": \"{machine}\",\n"
                + $"\t\t\t\"number-of-cpus\": {cpus},\n\t\t\t\"date\": \"{date}\",\n\t\t\t\"statistics\": [\n";
        }

        return $"Linux {release} ({host}) \t{date} \t_{machine}_\t({cpus} CPU)\n";
    }

    // -t: the local time as sysstat prints it (ISO 8601 with S_TIME_FORMAT=ISO); -U: seconds since the epoch.
    private static string Timestamp(DateTimeOffset time, bool epoch) =>
        epoch ? time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
        : Environment.GetEnvironmentVariable("S_TIME_FORMAT") == "ISO" ? time.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture).Remove(22, 1)
        : time.ToString("MM/dd/yy HH:mm:ss", CultureInfo.InvariantCulture);
}
