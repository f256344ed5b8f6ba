using System.Globalization;

namespace Kashika.Core.IoStat;

/// <summary>What Kashika writes of the reports: sysstat's text (or JSON with -o JSON), a page, or metrics.</summary>
public enum IoStatOutput
{
    Sysstat,
    Html,
    OpenMetrics,
}

/// <summary>sysstat's -f DIR (statistics from DIR instead of the system's) or +f DIR (as well as).</summary>
public sealed record AlternateStatistics(string Directory, bool AsWell);

/// <summary>A <c>kashika iostat</c> command line, typed: sysstat's options and Kashika's own.</summary>
public sealed record IoStatCommand
{
    public IoStatOptions Options { get; init; } = new();

    /// <summary>--root DIR…, as given (empty: this machine's /).</summary>
    public IReadOnlyList<string> Roots { get; init; } = [];

    public AlternateStatistics? Alternate { get; init; }

    public string? Record { get; init; }

    public string? Replay { get; init; }

    public IoStatOutput Output { get; init; }

    /// <summary>-o FILE of --format html or openmetrics.</summary>
    public string? OutputFile { get; init; }

    public bool Live { get; init; }

    /// <summary>-V or --version alone.</summary>
    public bool Version { get; init; }

    /// <summary>--explain [COLUMN]: "" for every column, null when not asked.</summary>
    public string? Explain { get; init; }
}

/// <summary>A command line iostat cannot take; the message names the option.</summary>
public sealed class IoStatUsageException(string message) : Exception(message);

/// <summary>
/// sysstat's iostat grammar, as iostat reads it: options, devices, an interval and a count in any order; letters
/// combine (-xdk); -p takes a list when one follows; -o JSON; plus Kashika's --root, --record, --replay, --format,
/// -o FILE, --live, --explain. Pure: directories named are checked where they are read.
/// </summary>
public static class IoStatCommandLine
{
    /// <param name="environment">Reads an environment variable (POSIXLY_CORRECT: 512-byte blocks unless -k).</param>
    /// <exception cref="IoStatUsageException">The command line is not one iostat takes.</exception>
    public static IoStatCommand Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        if (args.Count == 1 && args[0] is "-V" or "--version")
        {
            return new IoStatCommand { Version = true };
        }

        int explain = args.ToList().IndexOf("--explain");
        if (explain >= 0)
        {
            return new IoStatCommand { Explain = args.Skip(explain + 1).FirstOrDefault(a => !a.StartsWith('-')) ?? "" };
        }

        var options = new IoStatOptions();
        var command = new IoStatCommand();
        var devices = new List<RequestedDevice>();
        var roots = new List<string>();
        bool reportSet = false, intervalSeen = false, countSeen = false, unitGiven = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value(string what) => i + 1 < args.Count ? args[++i] : throw new IoStatUsageException($"{arg} needs {what}");

            // -o JSON is sysstat's; -o FILE names the file of --format html or openmetrics.
            if (arg == "-o")
            {
                string value = Value("JSON (or a file with --format html or openmetrics)");
                if (value == "JSON")
                {
                    options = options with { Json = true };
                }
                else
                {
                    command = command with { OutputFile = value };
                }
            }
            else if (arg is "--record" or "--replay")
            {
                string value = Value("a file");
                command = arg == "--record" ? command with { Record = value } : command with { Replay = value };
            }
            else if (arg == "--format")
            {
                string value = Value("html or openmetrics");
                command = command with
                {
                    Output = value switch
                    {
                        "html" => IoStatOutput.Html,
                        "openmetrics" => IoStatOutput.OpenMetrics,
                        _ => throw new IoStatUsageException($"--format {value}: iostat writes text (the default), JSON (-o JSON), html or openmetrics"),
                    },
                };
            }
            else if (arg == "--live")
            {
                command = command with { Live = true };
            }
            else if (arg == "--root")
            {
                roots.Add(Value("a directory"));
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
            else if (arg is "-f" or "+f")
            {
                string directory = Value("a directory");
                if (directory.Length == 0)
                {
                    throw new IoStatUsageException($"{arg} needs a directory, not an empty path");
                }

                if (command.Alternate is not null)
                {
                    throw new IoStatUsageException($"{arg} {directory}: -f or +f is given once");
                }

                command = command with { Alternate = new AlternateStatistics(directory, arg[0] == '+') };
            }
            else if (arg == "-j")
            {
                // Persistent names are long: sysstat shows them last (pretty).
                options = options with { PersistentNameType = Value("a type: ID, LABEL, PATH, UUID, PARTUUID…").ToLowerInvariant(), Pretty = true };
            }
            else if (arg == "-g")
            {
                devices.Add(new RequestedDevice(Value("a group name"), WithPartitions: false, IsGroup: true));
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
                    throw new IoStatUsageException($"{arg}: --dec takes 0, 1 or 2 decimal places");
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
                        'k' or 'm' or 'G' => options with { Unit = Unit(c, options.Unit, unitGiven, arg) },
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
                        _ => throw new IoStatUsageException(arg.Length == 2 ? $"{arg}: no such option" : $"{arg}: no such option -{c}"),
                    };
                    unitGiven |= c is 'k' or 'm' or 'G';
                    reportSet |= c is 'c' or 'd';
                }
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new IoStatUsageException($"{arg}: no such option");
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
                    throw new IoStatUsageException($"interval {arg}: a whole number of seconds up to a year");
                }

                options = options with { Interval = interval, Count = -1 };
                intervalSeen = true;
            }
            else if (!countSeen)
            {
                if (!long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                {
                    throw new IoStatUsageException($"count {arg}: a whole number of reports up to {long.MaxValue}");
                }

                if (count < 1 || options.Interval == 0)
                {
                    throw new IoStatUsageException(count < 1 ? $"count {arg}: at least 1" : $"count {arg}: a count goes with an interval above 0");
                }

                options = options with { Count = count };
                countSeen = true;
            }
            else
            {
                throw new IoStatUsageException($"{arg}: iostat takes an interval and a count, nothing more");
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
            throw new IoStatUsageException("-H shows the totals of groups: it goes with -g NAME");
        }

        if (environment("POSIXLY_CORRECT") is not null && !unitGiven)
        {
            options = options with { Unit = IoStatUnit.Blocks };
        }

        command = command with { Options = options with { Devices = devices }, Roots = roots };
        return Check(command);
    }

    // -k, -m and -G are one choice: a second, different one is an error, as for sysstat.
    private static IoStatUnit Unit(char letter, IoStatUnit current, bool given, string arg)
    {
        var unit = letter switch { 'k' => IoStatUnit.Kilobytes, 'm' => IoStatUnit.Megabytes, _ => IoStatUnit.Gigabytes };
        return !given || current == unit ? unit : throw new IoStatUsageException($"{arg}: -k, -m and -G choose one unit");
    }

    private static IoStatCommand Check(IoStatCommand command)
    {
        if (command.OutputFile is { } file && command.Output == IoStatOutput.Sysstat)
        {
            throw new IoStatUsageException($"-o {file}: iostat's -o takes JSON; -o FILE goes with --format html or openmetrics");
        }

        if (command.Output == IoStatOutput.Html && command.Replay is null && command.Record is null)
        {
            throw new IoStatUsageException("--format html draws a recording: give it with --replay FILE, or record one with --record FILE (the page is written when the run ends)");
        }

        if (command.Replay is not null && (command.Roots.Count > 0 || command.Alternate is not null))
        {
            throw new IoStatUsageException("--replay reads a recording: it goes with neither --root nor -f/+f");
        }

        if (command.Record is not null && (command.Replay is not null || command.Roots.Count > 1))
        {
            throw new IoStatUsageException("--record reads a live machine: it goes with neither --replay nor several --root");
        }

        if (command.Record == "-")
        {
            throw new IoStatUsageException("--record -: a recording is a file (reports go to standard output); give a file name");
        }

        return command;
    }

    // "/dev/sda" and "sda" name the same device.
    private static string DeviceName(string name) => name.StartsWith("/dev/", StringComparison.Ordinal) ? name[5..] : name;
}
