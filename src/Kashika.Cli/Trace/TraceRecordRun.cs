using Kashika.Adapters.Trace;

namespace Kashika.Cli.Trace;

/// <summary>The arguments of <c>kashika trace record</c>, typed.</summary>
/// <param name="Keep">Where to keep the recording (perf.data); null: a temporary file, deleted once the page is written.</param>
public sealed record TraceRecordArguments(IReadOnlyList<string> Command, RecordOptions Record, TraceOptions Options, string? Output, string? Keep, int Threads);

/// <summary><c>kashika trace record [options] -- CMD</c>: perf record with good defaults, then the page of what it recorded.</summary>
internal static class TraceRecordRun
{
    public static ExitCode Execute(TraceRecordArguments arguments, CliContext context, CancellationToken cancel)
    {
        if (arguments.Command.Count == 0)
        {
            context.Fail("nothing to record: give the command after '--', e.g. kashika trace record -- ./my-program --its-options");
            return ExitCode.Usage;
        }

        var directory = arguments.Keep is null ? Directory.CreateTempSubdirectory("kashika-record-") : null;
        // The recording is named after the command, which the page then shows as its title.
        string program = string.Concat(Path.GetFileName(arguments.Command[0]).Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
        string data = arguments.Keep is { } keep
            ? Path.GetFullPath(keep, context.CurrentDirectory)
            : Path.Combine(directory!.FullName, (program.Length > 0 ? program : "perf") + ".data");
        try
        {
            int status = PerfRecorder.Record(arguments.Record, arguments.Command, data);
            if (status != 0)
            {
                context.Warn($"perf record ended with exit {status} (the command's own status, when it failed); the page shows what was recorded");
            }

            var options = arguments.Options with
            {
                Collapse = arguments.Options.Collapse with { OffCpu = arguments.Record.OffCpu },
                Perf = arguments.Options.Perf with { OffCpu = arguments.Record.OffCpu },
            };
            var exit = TraceRun.Execute(new TracePageArguments([data], options, arguments.Output, arguments.Threads), context, cancel);
            if (arguments.Keep is not null)
            {
                context.Say($"kept the recording in {arguments.Keep}");
            }

            return exit;
        }
        finally
        {
            directory?.Delete(recursive: true);
        }
    }
}
