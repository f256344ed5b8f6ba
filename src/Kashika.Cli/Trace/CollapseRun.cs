using Kashika.Adapters.Trace;
using Kashika.Core.Common;
using Kashika.Core.Trace;
using Kashika.Reports;
using Kashika.Reports.Trace;

namespace Kashika.Cli.Trace;

/// <summary><c>kashika trace collapse</c>: read every input line by line, fold, write one format.</summary>
internal static class CollapseRun
{
    public static ExitCode Execute(CollapseArguments arguments, CliContext context, CancellationToken cancel)
    {
        if (arguments.Inputs.FirstOrDefault(p => p.StartsWith('-') && p != "-") is { } unknown)
        {
            context.Fail($"unknown option '{unknown}' (a file that starts with '-' is written ./{unknown})");
            return ExitCode.Usage;
        }

        var reader = new TraceReader(arguments.Options, arguments.Threads);
        var names = arguments.Inputs.Count == 0 ? ["-"] : arguments.Inputs;
        try
        {
            foreach (string name in names)
            {
                cancel.ThrowIfCancellationRequested();
                using var input = TraceInput.Open(name, context.StandardInput, context.CurrentDirectory);
                try
                {
                    reader.Read(input.Stream, input.Name);
                }
                catch (InvalidDataException e)
                {
                    throw new InputException($"{input.Name}: the compressed data is cut short or corrupt ({e.Message.TrimEnd('.')}); nothing was written");
                }
                catch (IOException e)
                {
                    throw new InputException($"{input.Name}: {e.Message}");
                }

                input.Complete();
            }
        }
        catch (InputException e)
        {
            context.Fail(e.Message);
            return ExitCode.InputError;
        }
        catch (PerfMissingException e)
        {
            context.Fail(e.Message);
            return ExitCode.ToolMissing;
        }
        catch (OperationCanceledException)
        {
            return ExitCode.Cancelled;
        }

        ReportProblems(reader, context);
        var profile = reader.Profile();
        if (profile.Stacks.Count == 0)
        {
            context.Fail($"{string.Join(", ", names)}: no stack samples found ({reader.UnrecognizedLines} unrecognised lines)");
            return ExitCode.InputError;
        }

        try
        {
            ReportWriter.Write(TraceFormats.All.Named(arguments.Format), profile, arguments.Output, context.StandardOutput);
        }
        catch (OutputException e)
        {
            context.Fail(e.Message);
            return ExitCode.OutputError;
        }

        return ExitCode.Success;
    }

    private static void ReportProblems(TraceReader reader, CliContext context)
    {
        foreach (var (source, line, text) in reader.FirstUnrecognized)
        {
            context.Warn($"{source}:{line}: unrecognised line skipped: {(text.Length > 160 ? text[..160] + "…" : text)}");
        }

        long more = reader.UnrecognizedLines - reader.FirstUnrecognized.Count;
        if (more > 0)
        {
            context.Warn($"{more} more unrecognised lines skipped");
        }

        var skippedEvents = reader.IsFolded ? new Dictionary<string, long>() : reader.SkippedEvents;
        if (skippedEvents.Count > 0)
        {
            string skipped = string.Join(", ", skippedEvents.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"'{e.Key}' ({e.Value} samples)"));
            string how = reader.EventWasDefaulted ? "the first event in the input" : "as asked";
            context.Warn($"several events: counted '{reader.Event}' ({how}), skipped {skipped}; choose with --event-filter");
        }
    }
}
