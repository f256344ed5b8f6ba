using Kashika.Reports;
using Kashika.Reports.Trace;

namespace Kashika.Cli.Trace;

/// <summary><c>kashika trace collapse</c>: read every input, fold, write one format.</summary>
internal static class CollapseRun
{
    public static ExitCode Execute(CollapseArguments arguments, CliContext context, CancellationToken cancel)
    {
        if (TraceRun.UnknownOption(arguments.Inputs, context) is { } usage)
        {
            return usage;
        }

        var names = arguments.Inputs.Count == 0 ? ["-"] : arguments.Inputs;
        var result = TraceInputs.Read(names, arguments.Options, arguments.Threads, context, cancel);
        ReportWriter.Write(TraceFormats.All.Named(arguments.Format), result.Profile, arguments.Output, context.StandardOutput);
        return ExitCode.Success;
    }
}
