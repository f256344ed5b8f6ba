using System.CommandLine;
using Kashika.Adapters.Trace;
using Kashika.Core.Trace;

namespace Kashika.Cli.Trace;

/// <summary>How every trace command reads its inputs: the folding, how a perf.data is read, and whether to say how.</summary>
public sealed record TraceOptions(CollapseOptions Collapse, PerfScriptOptions Perf, bool Verbose = false);

/// <summary>The arguments of <c>kashika trace collapse</c>, typed.</summary>
public sealed record CollapseArguments(IReadOnlyList<string> Inputs, TraceOptions Options, string Format, string? Output, int Threads);

internal static class TraceCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("FILE")
        {
            Description = "perf script output (or a .gz of it), folded stacks, a perf.data recording, or a pprof profile; '-' or nothing for standard input.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var pid = new Option<bool>("--pid") { Description = "Name processes as comm-PID." };
        var tid = new Option<bool>("--tid") { Description = "Name processes as comm-PID/TID." };
        var kernel = new Option<bool>("--kernel") { Description = "Mark kernel frames with _[k]." };
        var jit = new Option<bool>("--jit") { Description = "Mark JIT frames (perf maps, jitdump) with _[j]." };
        var all = new Option<bool>("--all") { Description = "Both --kernel and --jit." };
        var addrs = new Option<bool>("--addrs") { Description = "Show the address of frames whose symbol is unknown." };
        var eventFilter = new Option<string?>("--event", "--event-filter") { Description = "Count only this event (of a recording of several), or this sample type of a pprof profile (as pprof's -sample_index). Default: the first event in the input (pprof's default type); the others are listed in a warning.", HelpName = "EVENT" };
        var srcline = new Option<bool>("--srcline") { Description = "Add file:line to frames (a perf.data is read with -F +srcline; perf script text must have been printed so)." };
        var offCpu = new Option<bool>("--off-cpu") { Description = "Off-CPU time from a sched:sched_switch recording (perf record -e sched:sched_switch -g -a): each stack weighs the time until its thread ran again, under its wait state." };
        var noInline = new Option<bool>("--no-inline") { Description = "perf.data: no inlined frames (perf script --no-inline), several times faster on --call-graph dwarf recordings." };
        var perfArg = new Option<string[]>("--perf-arg")
        {
            HelpName = "ARG",
            Description = "perf.data: one more argument for perf script (repeatable), e.g. --perf-arg=-f or --perf-arg=--symfs=DIR.",
        };
        var reader = new Option<string>("--reader")
        {
            Description = "perf.data: native (kashika reads it, several times faster; perf script where it cannot, e.g. --call-graph dwarf, said with -v) or perf (always perf script).",
            DefaultValueFactory = _ => "native",
        };
        reader.AcceptOnlyFromAmong("native", "perf");
        var symfs = new Option<string?>("--symfs") { Description = "perf.data: look for the recording's programs and libraries under DIR, as if it were / (perf's --symfs).", HelpName = "DIR" };
        var archive = new Option<string?>("--archive")
        {
            Description = "perf.data: the recording machine's build-id cache as perf archive packed it (perf.data.tar.bz2), used instead of ~/.debug (perf's --buildid-dir).",
            HelpName = "FILE",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Say how each input was read (which reader, and why)." };
        var weight = new Option<string>("--weight")
        {
            Description = "period: weigh each sample by its event's period when the event line has one, else 1 (as FlameGraph); samples: 1 per sample.",
            DefaultValueFactory = _ => "period",
        };
        weight.AcceptOnlyFromAmong("period", "samples");
        var format = new Option<string>("--format", "-f")
        {
            Description = "folded (frame;frame;… count), json (call tree for d3-hierarchy), speedscope, d3trace (the 2013 d3js_trace page's var trace_json), or pprof (gzipped profile.proto, for go tool pprof and continuous profilers).",
            DefaultValueFactory = _ => "folded",
        };
        format.AcceptOnlyFromAmong("folded", "json", "speedscope", "d3trace", "pprof");
        var label = new Option<string[]>("--label")
        {
            HelpName = "KEY=VALUE",
            Description = "Label every sample (repeatable), e.g. host=web1: a sample label in pprof, the stacks' first frame in the other formats.",
        };
        label.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                if (token.Value.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    r.AddError($"--label takes KEY=VALUE, not '{token.Value}'");
                }
            }
        });
        var output = new Option<string?>("--output", "-o") { Description = "Where to write; default standard output.", HelpName = "FILE" };
        var threads = new Option<int>("--threads")
        {
            Description = "Threads that fold in parallel; 0 (the default) means one per core. The output is the same for any N.",
            DefaultValueFactory = _ => 0,
            HelpName = "N",
        };
        threads.Validators.Add(r =>
        {
            // A value that is no number is the parser's own error; reading it here would throw instead.
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out int n) && n < 0)
            {
                r.AddError("--threads must be 0 (one per core) or more");
            }
        });

        var collapse = new Command("collapse", "perf script stack samples to folded stacks (FlameGraph's format), exactly and fast.")
        {
            inputs, pid, tid, kernel, jit, all, addrs, eventFilter, srcline, offCpu, noInline, perfArg, reader, symfs, archive, verbose, weight, label, format, output, threads,
        };
        TraceOptions Options(ParseResult parse)
        {
            bool annotateAll = parse.GetValue(all);
            var collapse = new CollapseOptions(
                Pid: parse.GetValue(pid),
                Tid: parse.GetValue(tid),
                Kernel: annotateAll || parse.GetValue(kernel),
                Jit: annotateAll || parse.GetValue(jit),
                Addrs: parse.GetValue(addrs),
                EventFilter: parse.GetValue(eventFilter),
                Srcline: parse.GetValue(srcline),
                Weight: parse.GetValue(weight) == "samples" ? SampleWeight.Samples : SampleWeight.Period,
                Labels: parse.GetValue(label) is { Length: > 0 } labels ? labels : null,
                OffCpu: parse.GetValue(offCpu));
            var perf = new PerfScriptOptions(
                collapse.Srcline, collapse.OffCpu, parse.GetValue(noInline), parse.GetValue(perfArg) ?? [],
                parse.GetValue(reader) == "perf" ? PerfDataReader.Perf : PerfDataReader.Native, parse.GetValue(symfs), parse.GetValue(archive));
            return new TraceOptions(collapse, perf, parse.GetValue(verbose));
        }

        int Threads(ParseResult parse) => parse.GetValue(threads) is > 0 and var n ? n : Environment.ProcessorCount;

        collapse.SetAction((parse, cancel) =>
        {
            var arguments = new CollapseArguments(KashikaCommand.Operands(parse, inputs), Options(parse), parse.GetValue(format) ?? "folded", parse.GetValue(output), Threads(parse));
            return Task.FromResult((int)CollapseRun.Execute(arguments, context, cancel));
        });

        var pageOutput = new Option<string?>("--output", "-o") { Description = "Where to write the page. Default: trace.html ('-' for standard output).", HelpName = "FILE" };
        var diffOutput = new Option<string?>("--output", "-o") { Description = "Where to write the page. Default: trace.html ('-' for standard output).", HelpName = "FILE" };
        var before = new Argument<string>("BEFORE") { Description = "The first profile: any input 'kashika trace' reads." };
        var after = new Argument<string>("AFTER") { Description = "The second profile; widths are drawn from it, colours show the change." };
        var diff = new Command("diff", "Two profiles on one page: the second's flame graph coloured by how each frame's share changed.")
        {
            before, after, kernel, jit, all, addrs, eventFilter, srcline, offCpu, noInline, perfArg, reader, symfs, archive, verbose, weight, diffOutput, threads,
        };
        diff.SetAction((parse, cancel) =>
        {
            var arguments = new TracePageArguments([parse.GetValue(before)!], Options(parse), parse.GetValue(diffOutput), Threads(parse), parse.GetValue(after));
            return Task.FromResult((int)TraceRun.Execute(arguments, context, cancel));
        });

        var command = new Argument<string[]>("COMMAND") { Description = "The command to record, after '--'.", Arity = ArgumentArity.ZeroOrMore };
        var frequency = new Option<int>("--frequency", "-F")
        {
            Description = "Samples a second per CPU (perf record -F).",
            DefaultValueFactory = _ => 999,
            HelpName = "HZ",
        };
        frequency.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out int hz) && hz <= 0)
            {
                r.AddError("--frequency must be 1 or more");
            }
        });
        var dwarf = new Option<bool>("--dwarf") { Description = "Call graphs from stack copies (--call-graph dwarf), for programs built without frame pointers; read by perf script, larger and slower." };
        var recordOffCpu = new Option<bool>("--off-cpu") { Description = "Record where threads wait (sched:sched_switch on every CPU) and show off-CPU time." };
        var recordArg = new Option<string[]>("--record-arg") { HelpName = "ARG", Description = "One more option for perf record (repeatable), e.g. --record-arg=-e --record-arg=page-faults." };
        var keep = new Option<string?>("--keep") { Description = "Keep the recording in FILE (default: deleted once the page is written).", HelpName = "FILE" };
        var recordOutput = new Option<string?>("--output", "-o") { Description = "Where to write the page. Default: trace.html.", HelpName = "FILE" };
        var record = new Command("record", "Record a command with perf (every CPU it runs on, call graphs, 999 Hz) and write its page: kashika trace record [options] -- CMD [ARGS…].")
        {
            command, frequency, dwarf, recordOffCpu, recordArg, keep, recordOutput, pid, tid, kernel, jit, all, verbose, threads,
        };
        record.SetAction((parse, cancel) =>
        {
            var recordOptions = new RecordOptions(parse.GetValue(frequency), parse.GetValue(dwarf), parse.GetValue(recordOffCpu), parse.GetValue(recordArg) ?? []);
            var arguments = new TraceRecordArguments(parse.GetValue(command) ?? [], recordOptions, Options(parse), parse.GetValue(recordOutput), parse.GetValue(keep), Threads(parse));
            return Task.FromResult((int)TraceRecordRun.Execute(arguments, context, cancel));
        });

        // The page's FILE argument is hidden from usage lines, or every subcommand's would read "trace [<FILE>...] collapse".
        var pageInputs = new Argument<string[]>("FILE") { Arity = ArgumentArity.ZeroOrMore, Hidden = true };
        var trace = new Command(
            "trace",
            "Stack samples from perf. 'kashika trace [options] [FILE…|-]' writes the interactive page (flame graph, icicle, sunburst, functions, callers/callees, time heat map); FILE is what 'collapse' reads.")
        {
            pageInputs, pid, tid, kernel, jit, all, addrs, eventFilter, srcline, offCpu, noInline, perfArg, reader, symfs, archive, verbose, weight, label, pageOutput, threads, collapse, diff, record,
        };
        trace.SetAction((parse, cancel) =>
        {
            var arguments = new TracePageArguments(KashikaCommand.Operands(parse, pageInputs), Options(parse), parse.GetValue(pageOutput), Threads(parse));
            return Task.FromResult((int)TraceRun.Execute(arguments, context, cancel));
        });

        return trace;
    }
}
