using System.CommandLine;
using System.CommandLine.Parsing;
using Kashika.Cli.Relate;
using Kashika.Cli.Trace;
using Kashika.Adapters.FileSystem;
using Kashika.Reports;

namespace Kashika.Cli;

/// <summary>The command tree. Parsing ends here: each command hands typed arguments to its run.</summary>
public static class KashikaCommand
{
    /// <summary>
    /// Runs a command line, and is the one place every failure ends as a message and a documented exit code
    /// (docs/errors.md): a usage error is 2, an input error 3, an output fault 4, a missing tool 5, an interrupt 130, a
    /// reader gone from the pipe a quiet 0 (as Unix tools end), and anything else a bug (1) said in one line;
    /// KASHIKA_DEBUG=1 shows its stack. Commands throw; they do not map failures themselves.
    /// </summary>
    public static int Run(string[] args, CliContext context)
    {
        try
        {
            return Dispatch(args, context);
        }
        catch (Exception e) when (Unwrap(e) is BrokenPipeException)
        {
            return (int)ExitCode.Success;
        }
        catch (Exception e) when (Unwrap(e) is UsageError usage)
        {
            context.Fail(usage.Message);
            return (int)ExitCode.Usage;
        }
        catch (Exception e) when (Unwrap(e) is OutputException output)
        {
            context.Fail(output.Message);
            return (int)ExitCode.OutputError;
        }
        catch (Exception e) when (Unwrap(e) is Kashika.Core.Common.InputException input)
        {
            context.Fail(input.Message);
            return (int)ExitCode.InputError;
        }
        catch (Exception e) when (Unwrap(e) is Kashika.Core.Common.ToolMissingException missing)
        {
            context.Fail(missing.Message);
            return (int)ExitCode.ToolMissing;
        }
        catch (Exception e) when (Unwrap(e) is OperationCanceledException)
        {
            return (int)ExitCode.Cancelled;
        }
        catch (Exception e)
        {
            var cause = Unwrap(e);
            context.Fail($"internal error: {cause.GetType().Name}: {cause.Message}");
            context.Say(context.Variable("KASHIKA_DEBUG") == "1"
                ? e.ToString()
                : "this is a bug in kashika: please report it with the command line (KASHIKA_DEBUG=1 shows where it happened)");
            return (int)ExitCode.InternalError;
        }
    }

    /// <summary>An argument's values; those after "--" are operands whatever they look like (POSIX): one that starts with
    /// '-' (but "-", standard input) is given as "./-…", so that the unknown-option check lets it through.</summary>
    public static string[] Operands(ParseResult parse, Argument<string[]> argument)
    {
        string[] values = parse.GetValue(argument) ?? [];
        int dash = -1;
        for (int i = 0; i < parse.Tokens.Count; i++)
        {
            if (parse.Tokens[i].Type == TokenType.DoubleDash)
            {
                dash = i;
                break;
            }
        }

        int after = dash < 0 ? 0 : parse.Tokens.Count - dash - 1;
        return [.. values.Select((v, i) => i >= values.Length - after && v.StartsWith('-') && v != "-" ? "./" + v : v)];
    }

    // The first cause that is not a wrapper (parallel loops and tasks wrap what failed inside them).
    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is { } inner)
        {
            e = inner;
        }

        return e is AggregateException aggregate ? aggregate.InnerExceptions[0] : e;
    }

    // The options of every command whose value is a file or a folder.
    private static readonly HashSet<string> PathOptions = new(StringComparer.Ordinal)
    {
        "-o", "--output", "--parquet", "--cache", "--aliases", "--not-same", "--order", "--from-ranking", "--from-parquet",
        "--record", "--replay", "--root",
    };

    private static int Dispatch(string[] args, CliContext context)
    {
        // --force, with any command: a report replaces a read-only file of the same name (keeping its permissions).
        ReportWriter.ReplaceReadOnly = args.Contains("--force");
        args = [.. args.Where(a => a != "--force")];

        // An empty path is no file or folder (it would mean the current folder: `--parquet ''` wrote the tables there):
        // said as a usage error by every command alike, "--name=" included.
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i].Split('=', 2)[0];
            bool joined = args[i].Contains('=', StringComparison.Ordinal);
            bool empty = joined ? args[i].Length == option.Length + 1 : i + 1 < args.Length && args[i + 1].Length == 0;
            if (empty && PathOptions.Contains(option))
            {
                context.Fail(option is "-o" or "--output" ? $"{option} needs a file name (or - for standard output)" : $"{option} needs a path, not an empty one");
                return (int)ExitCode.Usage;
            }

            // "-" is standard output for -o alone (iostat's --record says why it is not one): elsewhere it would be a
            // file or folder named "-".
            string? value = joined ? args[i][(option.Length + 1)..] : i + 1 < args.Length ? args[i + 1] : null;
            if (value == "-" && PathOptions.Contains(option) && option is not ("-o" or "--output" or "--record"))
            {
                context.Fail($"{option} -: standard input or output is no file or folder here; give a path (./- for a file named -)");
                return (int)ExitCode.Usage;
            }

            // A name that is not valid UTF-8 reaches .NET with U+FFFD in place of its bytes: a file would be written or
            // read under another name than the one given. Repositories are opened by their bytes (relate's PATHs).
            if (value is not null && PathOptions.Contains(option) && BytePaths.RawArgument(joined ? args[i] : value) is { } raw)
            {
                context.Fail($"{option} {BytePaths.Escaped(joined ? raw[(Array.IndexOf(raw, (byte)'=') + 1)..] : raw)}: not valid UTF-8, and kashika names files by UTF-8 paths only; use a UTF-8 name (or a link with one)");
                return (int)ExitCode.Usage;
            }
        }

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
        // "@file" is an argument like any other (a path, a date), never a response file read in its place.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                context.Fail(error.Message);
            }

            context.Say("see 'kashika --help'");
            return (int)ExitCode.Usage;
        }

        return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
