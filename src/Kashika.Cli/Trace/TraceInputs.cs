using Kashika.Adapters.Trace;
using Kashika.Core.Common;
using Kashika.Core.Trace;
using Kashika.Reports.Trace;

namespace Kashika.Cli.Trace;

/// <summary>Reads the inputs of every trace command (files, .gz, perf.data, standard input) into one reader, reporting problems.</summary>
internal static class TraceInputs
{
    /// <returns>The reader holding every input, or the exit code of the failure (already reported).</returns>
    public static (TraceReader? Reader, ExitCode Failure) Read(IReadOnlyList<string> names, CollapseOptions options, int threads, CliContext context, CancellationToken cancel)
    {
        var reader = new TraceReader(options, threads);
        try
        {
            foreach (string name in names)
            {
                cancel.ThrowIfCancellationRequested();
                using var input = TraceInput.Open(name, context.StandardInput, context.CurrentDirectory);
                try
                {
                    if (Pprof.Looks(input.Head))
                    {
                        Pprof.Read(input.Stream, input.Name, reader);
                    }
                    else
                    {
                        reader.Read(input.Stream, input.Name);
                    }
                }
                catch (InvalidDataException e)
                {
                    throw TraceInput.Corrupt(input.Name, e);
                }
                catch (IOException e)
                {
                    throw new InputException($"{input.Name}: {e.Message}");
                }
                catch (UnauthorizedAccessException e)
                {
                    // A closed standard input reads as "bad file descriptor".
                    throw new InputException($"{input.Name}: cannot be read ({(e.InnerException ?? e).Message.TrimEnd('.')})");
                }

                input.Complete();
            }
        }
        catch (InputException e)
        {
            context.Fail(e.Message);
            return (null, ExitCode.InputError);
        }
        catch (PerfMissingException e)
        {
            context.Fail(e.Message);
            return (null, ExitCode.ToolMissing);
        }
        catch (OperationCanceledException)
        {
            return (null, ExitCode.Cancelled);
        }

        ReportProblems(reader, context);
        return (reader, ExitCode.Success);
    }

    /// <summary>Reads, and fails with a message when no sample was found.</summary>
    public static (CollapsedProfile? Profile, TraceReader? Reader, ExitCode Failure) Profile(
        IReadOnlyList<string> names, CollapseOptions options, int threads, CliContext context, CancellationToken cancel)
    {
        var (reader, failure) = Read(names, options, threads, context, cancel);
        if (reader is null)
        {
            return (null, null, failure);
        }

        var profile = reader.Profile();
        if (profile.Stacks.Count == 0)
        {
            context.Fail($"{string.Join(", ", names)}: no stack samples found ({reader.UnrecognizedLines} unrecognised lines)");
            return (null, null, ExitCode.InputError);
        }

        return (profile, reader, ExitCode.Success);
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
