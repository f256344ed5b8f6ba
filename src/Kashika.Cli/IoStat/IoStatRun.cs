using System.Globalization;
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
        + "[ -c ] [ -d ] [ -h ] [ -k | -m | -G ] [ -s ] [ -t ] [ -x ] [ -y ] [ -z ]\n"
        + "[ --compact ] [ --dec={ 0 | 1 | 2 } ] [ --human ] [ --pretty ] [ -p [ <device> [,...] | ALL ] ]\n"
        + "[ -o JSON ] [ { -f | +f } <directory> ] [ -j { ID | LABEL | PATH | UUID | ... } ] [ [ -H ] -g <group_name> ] [ -N ]\n"
        + "[ <device> [...] | ALL ] [ --root <directory> [...] ]\n";

    // Accepted by sysstat, not yet here: refused with a clear message rather than silently ignored.
    private static readonly string[] NotYet = ["-U"];

    public static ExitCode Execute(IReadOnlyList<string> args, CliContext context)
    {
        int explain = args.ToList().IndexOf("--explain");
        if (explain >= 0)
        {
            return Explain(args.Skip(explain + 1).FirstOrDefault(a => !a.StartsWith('-')), context);
        }

        IoStatOptions options;
        List<string> roots;
        (string Directory, bool AsWell)? alternate;
        try
        {
            (options, roots, alternate) = Parse(args, context.CurrentDirectory);
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

        var source = new RootSystemSource(roots, TimeSpan.FromSeconds(options.Interval), Thread.Sleep, alternate?.Directory, alternate?.AsWell ?? false);
        if (options.PersistentNameType is { } type && !source.HasPersistentNames(type))
        {
            context.Fail("Invalid type of persistent device name");
            return ExitCode.Usage;
        }

        var output = new StreamWriter(context.StandardOutput, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true) { AutoFlush = roots.Count == 1 };
        try
        {
            output.Write(Banner(roots[0], context.Clock, options.Json));
            if (!options.Json && (!options.OmitSinceBoot || options.Interval == 0))
            {
                output.Write('\n');
            }

            var start = context.Clock.GetLocalNow();
            var engine = new IoStatEngine(options, source);
            engine.Run(output, report => Timestamp(roots.Count > 1 ? start.AddSeconds(options.Interval * report) : context.Clock.GetLocalNow()));
        }
        catch (IoStatException e)
        {
            output.Flush();
            context.Fail($"{roots[0]}: {e.Message}");
            return ExitCode.InputError;
        }
        finally
        {
            output.Flush();
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
            output.WriteLine(c.Column);
            output.WriteLine($"  kernel counter: {c.Counters}");
            output.WriteLine($"  counted:        {c.Counted}");
            output.WriteLine($"  formula:        {c.Formula}");
            output.WriteLine($"  unit:           {c.Unit}");
            output.WriteLine($"  traps:          {c.Traps}");
            output.WriteLine();
        }

        return ExitCode.Success;
    }

    private static (IoStatOptions Options, List<string> Roots, (string, bool)? Alternate) Parse(IReadOnlyList<string> args, string currentDirectory)
    {
        var options = new IoStatOptions();
        (string Directory, bool AsWell)? alternate = null;
        var devices = new List<RequestedDevice>();
        var roots = new List<string>();
        bool reportSet = false, intervalSeen = false, countSeen = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (NotYet.Contains(arg))
            {
                throw new UsageException($"iostat option {arg} is not supported yet");
            }

            if (arg == "--root")
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
                        'U' => throw new UsageException($"iostat option -{c} is not supported yet"),
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
                options = options with { Interval = long.Parse(arg, CultureInfo.InvariantCulture), Count = -1 };
                intervalSeen = true;
            }
            else if (!countSeen)
            {
                long count = long.Parse(arg, CultureInfo.InvariantCulture);
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

        return (options with { Devices = devices }, roots, alternate);
    }

    // "/dev/sda" and "sda" name the same device; a '/' inside a name (cciss/c0d0) is '!' in sysfs.
    private static string DeviceName(string name) => name.StartsWith("/dev/", StringComparison.Ordinal) ? name[5..] : name;

    private static string Banner(string root, TimeProvider clock, bool json)
    {
        static string Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "?";
        string release = Read(Path.Combine(root, "proc/sys/kernel/osrelease"));
        string host = Read(Path.Combine(root, "proc/sys/kernel/hostname"));
        string stat = Read(Path.Combine(root, "proc/stat"));
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

    private static string Timestamp(DateTimeOffset time) => time.ToString("MM/dd/yy HH:mm:ss", CultureInfo.InvariantCulture);
}
