using Kashika.Adapters.Trace;
using Kashika.Core.Common;

namespace Kashika.Cli.Trace;

/// <summary>Runs the ingest pipeline for a trace command: its failures as exit codes, its warnings on standard error.</summary>
internal static class TraceInputs
{
    /// <returns>The profile and its warnings, or the exit code of the failure (already reported).</returns>
    public static (TraceIngestResult? Result, ExitCode Failure) Read(IReadOnlyList<string> names, TraceOptions options, int threads, CliContext context, CancellationToken cancel)
    {
        try
        {
            var result = TraceIngest.Read(names, options.Collapse, options.Perf, threads, context.StandardInput, context.CurrentDirectory, cancel);
            foreach (string warning in result.Warnings)
            {
                context.Warn(warning);
            }

            return (result, ExitCode.Success);
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
    }
}
