using Kashika.Adapters.Trace;

namespace Kashika.Cli.Trace;

/// <summary>Runs the ingest pipeline for a trace command, its warnings on standard error (its failures are thrown to
/// the one exit-code mapping, <see cref="KashikaCommand.Run"/>).</summary>
internal static class TraceInputs
{
    public static TraceIngestResult Read(IReadOnlyList<string> names, TraceOptions options, int threads, CliContext context, CancellationToken cancel)
    {
        var result = TraceIngest.Read(names, options.Collapse, options.Perf, threads, context.StandardInput, context.CurrentDirectory, cancel);
        foreach (string warning in result.Warnings)
        {
            context.Warn(warning);
        }

        if (options.Verbose)
        {
            foreach (string note in result.Notes)
            {
                context.Say(note);
            }
        }

        return result;
    }
}
