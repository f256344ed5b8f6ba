using System.CommandLine;
using Kashika.Cli.Relate;
using Kashika.Cli.Trace;

namespace Kashika.Cli;

/// <summary>The command tree. Parsing ends here: each command hands typed arguments to its run.</summary>
public static class KashikaCommand
{
    public static int Run(string[] args, CliContext context)
    {
        // iostat keeps sysstat's own grammar (options, devices, interval and count in any order).
        if (args.Length > 0 && args[0] == "iostat" && !args.Skip(1).Any(a => a is "--help" or "-?"))
        {
            return (int)IoStat.IoStatRun.Execute(args[1..], context);
        }

        var root = new RootCommand("Kashika (可視化): numbers and interactive pictures from git histories, perf samples and disk counters.")
        {
            RelateCommand.Create(context),
            TraceCommand.Create(context),
            new Command("iostat", "iostat from /proc/diskstats, identical to sysstat's for the same samples. Takes sysstat's options, and --explain [COLUMN], --record FILE, --replay FILE [--format html -o FILE], --live, --root DIR."),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                context.Fail(error.Message);
            }

            context.Say("see 'kashika --help'");
            return (int)ExitCode.Usage;
        }

        return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = true });
    }
}
