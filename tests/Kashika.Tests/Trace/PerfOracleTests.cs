using System.Globalization;
using System.Text.RegularExpressions;
using Kashika.Adapters.Trace;
using Kashika.Core.Trace;
using Kashika.Testing;

namespace Kashika.Tests.Trace;

/// <summary>
/// Every kind of perf recording, made here with perf from a C program built here (named threads that spin, sleep and
/// fault pages), read by <c>kashika trace collapse</c> and checked against perf's own <c>perf report</c>: the total
/// (perf's event count), the top functions' self and total shares (<c>--no-children</c>, <c>--children</c>, to 0.01
/// points), the threads' shares (<c>--sort pid</c>, which is per thread) and processes by pid.
/// </summary>
public sealed partial class PerfOracleTests : IClassFixture<PerfOracleTests.Program>
{
    private readonly Program program;

    public PerfOracleTests(Program program) => this.program = program;

    /// <summary>The C program every recording runs, compiled once; the folder recordings go to.</summary>
    public sealed class Program : IDisposable
    {
        public const string Source = """
            #define _GNU_SOURCE
            #include <pthread.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <time.h>
            volatile long sink;
            __attribute__((noinline)) void spin_a(long n) { for (long i = 0; i < n; i++) sink += i; }
            __attribute__((noinline)) void spin_b(long n) { for (long i = 0; i < n; i++) sink ^= i; }
            __attribute__((noinline)) void touch(size_t mb) { char *p = malloc(mb << 20); memset(p, 1, mb << 20); sink += p[4096]; free(p); }
            __attribute__((noinline)) void nap(long ms) { struct timespec t = {0, ms * 1000000L}; nanosleep(&t, 0); }
            void *worker(void *arg) {
                long id = (long)arg; char name[16];
                snprintf(name, sizeof name, "worker-%ld", id);
                pthread_setname_np(pthread_self(), name);
                for (int r = 0; r < 6; r++) { if (id == 1) spin_a(15000000); else spin_b(8000000); nap(3); }
                return 0;
            }
            int main(void) {
                pthread_t t[2];
                for (long i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, (void *)(i + 1));
                touch(48);
                for (int r = 0; r < 6; r++) { spin_a(6000000); nap(3); }
                for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
                return 0;
            }
            """;

        public TempDirectory Dir { get; } = new();

        public string? Missing { get; }

        public Program()
        {
            File.WriteAllText(Dir.Combine("oracle.c"), Source);
            var cc = ExternalTool.Run(Dir.Path, "gcc", "-O1", "-g", "-fno-omit-frame-pointer", "-pthread", "-o", "oracle", "oracle.c");
            if (cc is not { ExitCode: 0 })
            {
                Missing = $"no C compiler to build the test program ({cc?.Error.Trim() ?? "gcc is not installed"})";
                return;
            }

            var probe = ExternalTool.Run(Dir.Path, "perf", "record", "-e", "cpu-clock", "-o", "probe.data", "--", "true");
            if (probe is not { ExitCode: 0 })
            {
                Missing = $"perf cannot record here ({probe?.Error.Trim() ?? "perf is not installed"})";
            }
        }

        public void Dispose() => Dir.Dispose();
    }

    /// <summary>The recordings: perf record's event options, and what runs.</summary>
    public static TheoryData<string> Kinds() => ["cpu-clock", "task-clock", "page-faults", "tracepoint-g", "tracepoint", "mixed", "mixed-page-faults", "two-processes", "dwarf", "kernel-callchains", "user-callchains"];

    private static (string[] Record, string[] Command, string? Event) Recipe(string kind) => kind switch
    {
        "cpu-clock" => (["-e", "cpu-clock", "-F", "2000", "-g"], ["./oracle"], null),
        "task-clock" => (["-e", "task-clock", "-F", "2000", "-g"], ["./oracle"], null),
        "page-faults" => (["-e", "page-faults", "-g"], ["./oracle"], null),
        "tracepoint-g" => (["-e", "sched:sched_switch", "-g"], ["./oracle"], null),
        "tracepoint" => (["-e", "sched:sched_switch"], ["./oracle"], null),
        "mixed" => (["-e", "cpu-clock", "-e", "page-faults", "-g"], ["./oracle"], null),
        "mixed-page-faults" => (["-e", "cpu-clock", "-e", "page-faults", "-g"], ["./oracle"], "page-faults"),
        "two-processes" => (["-e", "cpu-clock", "-F", "2000", "-g"], ["sh", "-c", "./oracle & ./oracle; wait"], null),
        "dwarf" => (["-e", "cpu-clock", "-F", "1000", "--call-graph", "dwarf"], ["./oracle"], null),
        // Chains of one side only: a sample on the other side is counted at its own address, as perf report counts it.
        "kernel-callchains" => (["-e", "cpu-clock", "-F", "2000", "-g", "--kernel-callchains"], ["./oracle"], null),
        "user-callchains" => (["-e", "cpu-clock", "-F", "2000", "-g", "--user-callchains"], ["./oracle"], null),
        _ => throw new ArgumentException(kind),
    };

    private string Record(string kind)
    {
        if (program.Missing is { } missing)
        {
            Requirements.Missing(missing);
        }

        string data = $"{kind}.data";
        if (!File.Exists(program.Dir.Combine(data)))
        {
            var (record, command, _) = Recipe(kind);
            var run = ExternalTool.Run(program.Dir.Path, "perf", ["record", .. record, "-o", data + ".tmp", "--", .. command]);
            Assert.True(run is { ExitCode: 0 }, run?.Error);
            File.Move(program.Dir.Combine(data + ".tmp"), program.Dir.Combine(data));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Totals_and_top_functions_equal_perf_report(string kind)
    {
        string data = Record(kind);
        string? perfEvent = Recipe(kind).Event;
        var folded = Folded(data, perfEvent);
        long total = folded.Sum(s => s.Weight);
        var report = PerfReport(data, perfEvent, "--no-children", "--sort", "sym");
        Assert.Equal(report.EventCount, total);

        // Self: each sample's leaf function; total: each function once per sample that passes through it.
        var self = folded.GroupBy(s => s.Frames[^1], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(s => s.Weight), StringComparer.Ordinal);
        var children = folded.SelectMany(s => s.Frames.Skip(1).Distinct(StringComparer.Ordinal).Select(f => (f, s.Weight)))
            .GroupBy(x => x.f, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.Weight), StringComparer.Ordinal);
        Top("self", report.Rows, self);
        Top("total", PerfReport(data, perfEvent, "--children", "--sort", "sym").Rows, children);

        // perf report's six heaviest named functions, each within 0.01 points of kashika's share.
        void Top(string what, List<(string Name, double Share)> rows, Dictionary<string, long> ours)
        {
            var top = rows.Where(r => Named(r.Name)).Take(6).ToList();
            Assert.NotEmpty(top);
            foreach (var (name, share) in top)
            {
                double kashika = 100.0 * ours.GetValueOrDefault(name) / total;
                Assert.True(Math.Abs(kashika - share) <= 0.01, $"{kind}: {what} of {name}: kashika {kashika:F3}%, perf report {share}%");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Thread_and_process_shares_equal_perf_report(string kind)
    {
        string data = Record(kind);
        string? perfEvent = Recipe(kind).Event;
        var folded = Folded(data, perfEvent);
        double total = folded.Sum(s => s.Weight);
        // perf report's "pid" key is the thread: "tid:comm".
        var threads = PerfReport(data, perfEvent, "--no-children", "--sort", "pid").Rows;
        var ours = folded.GroupBy(s => ThreadIds(s.Frames[0]).Tid).ToDictionary(g => g.Key, g => 100.0 * g.Sum(s => s.Weight) / total);
        foreach (var (name, share) in threads)
        {
            long tid = long.Parse(name[..name.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(ours.GetValueOrDefault(tid) - share) <= 0.01, $"{kind}: thread {name}: kashika {ours.GetValueOrDefault(tid):F3}%, perf report {share}%");
        }

        // Processes: the page's model groups threads by pid, named by the main thread's command.
        var ingest = TraceIngest.Read([program.Dir.Combine(data)], new CollapseOptions(Tid: true, EventFilter: perfEvent), new PerfScriptOptions(), 1, Stream.Null, program.Dir.Path, TestContext.Current.CancellationToken);
        var model = TraceModel.Build(ingest.Profile, 50);
        var byPid = Enumerable.Range(0, model.StackThreads.Count).GroupBy(i => model.Threads[model.StackThreads[i]].Pid)
            .ToDictionary(g => g.Key, g => 100.0 * g.Sum(i => model.StackWeights[i]) / model.Total, StringComparer.Ordinal);
        var tidsOf = folded.Select(s => ThreadIds(s.Frames[0])).Distinct().GroupBy(t => t.Pid).ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.Select(t => t.Tid).ToList(), StringComparer.Ordinal);
        foreach (var (pid, share) in byPid)
        {
            double perf = threads.Where(t => tidsOf[pid].Contains(long.Parse(t.Name[..t.Name.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture))).Sum(t => t.Share);
            Assert.True(Math.Abs(perf - share) <= 0.01 * tidsOf[pid].Count, $"{kind}: process {pid}: kashika {share:F3}%, perf report {perf}%");
        }

        var oracles = model.Threads.Where(t => t.Process == "oracle").GroupBy(t => t.Pid).ToList();
        Assert.Equal(kind == "two-processes" ? 2 : 1, oracles.Count);
        if (kind is "cpu-clock" or "task-clock" or "dwarf" or "two-processes")
        {
            // The named threads are threads of their process, not processes of their own.
            Assert.All(oracles, p => Assert.Equal(["oracle", "worker-1", "worker-2"], p.Select(t => t.Comm).Order(StringComparer.Ordinal)));
        }
    }

    [Fact]
    public void Chains_of_one_side_read_by_perf_script_are_said_to_lack_the_other_sides_samples()
    {
        string data = Record("kernel-callchains");
        var perf = KashikaProcess.Run(program.Dir.Path, "trace", "collapse", "--reader", "perf", data);
        Assert.True(perf.ExitCode == 0, perf.StandardError);
        Assert.Contains("recorded with kernel or user call chains only", perf.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("call chains only", KashikaProcess.Run(program.Dir.Path, "trace", "collapse", data).StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("call chains only", KashikaProcess.Run(program.Dir.Path, "trace", "collapse", "--reader", "perf", Record("cpu-clock")).StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mixed_recording_counts_the_first_event_and_says_so_on_the_page()
    {
        string data = Record("mixed");
        var page = KashikaProcess.Run(program.Dir.Path, "trace", data, "-o", "mixed.html");
        Assert.True(page.ExitCode == 0, page.StandardError);
        Assert.Contains("several events: counted 'cpu-clock'", page.StandardError, StringComparison.Ordinal);
        Assert.Contains("\"warnings\":[\"several events: counted 'cpu-clock' (the recording's first event), skipped 'page-faults' (", File.ReadAllText(program.Dir.Combine("mixed.html")).Replace("\\u0027", "'", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Srcline_of_a_recording_asks_perf_for_source_lines()
    {
        string data = Record("cpu-clock");
        var run = KashikaProcess.Run(program.Dir.Path, "trace", "collapse", "--srcline", data);
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.DoesNotContain("unrecognised", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(";spin_a:oracle.c:", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(Folded(data, null).Sum(s => s.Weight), run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Perf_arguments_pass_through_and_no_inline_is_perfs()
    {
        string data = Record("dwarf");
        var plain = KashikaProcess.Run(program.Dir.Path, "trace", "collapse", data);
        var noInline = KashikaProcess.Run(program.Dir.Path, "trace", "collapse", "--no-inline", data);
        Assert.True(noInline.ExitCode == 0, noInline.StandardError);
        Assert.Equal(Sum(plain.StandardOutput), Sum(noInline.StandardOutput));
        var worker = KashikaProcess.Run(program.Dir.Path, "trace", "collapse", "--perf-arg=--comms=worker-1", data);
        Assert.True(worker.ExitCode == 0, worker.StandardError);
        Assert.All(worker.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("worker-1;", l, StringComparison.Ordinal));
        var bad = KashikaProcess.Run(program.Dir.Path, "trace", "collapse", "--perf-arg=--no-such-option", data);
        Assert.Equal(3, bad.ExitCode);
        Assert.Contains("perf script failed", bad.StandardError, StringComparison.Ordinal);

        static long Sum(string folded) => folded.Split('\n', StringSplitOptions.RemoveEmptyEntries).Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    // Names perf report prints for unknown symbols ("0x00007f…", "0000000000000000") are not compared.
    private static bool Named(string name) => !HexName().IsMatch(name);

    private static (long Pid, long Tid) ThreadIds(string frame)
    {
        int slash = frame.LastIndexOf('/');
        int dash = frame.LastIndexOf('-', slash);
        return (long.Parse(frame[(dash + 1)..slash], CultureInfo.InvariantCulture), long.Parse(frame[(slash + 1)..], CultureInfo.InvariantCulture));
    }

    private List<(string[] Frames, long Weight)> Folded(string data, string? perfEvent)
    {
        var run = KashikaProcess.Run(program.Dir.Path, ["trace", "collapse", "--tid", .. perfEvent is null ? Array.Empty<string>() : ["--event", perfEvent], data]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => (l[..l.LastIndexOf(' ')].Split(';'), long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>perf report --stdio of one event: its event count and its rows (share, name without the "[.] " mark).</summary>
    private (long EventCount, List<(string Name, double Share)> Rows) PerfReport(string data, string? perfEvent, params string[] sort)
    {
        var run = ExternalTool.Run(program.Dir.Path, "perf", ["report", "-i", data, "--stdio", "-g", "none", "--percent-limit", "0", .. sort]);
        Assert.True(run is { ExitCode: 0 }, run?.Error);
        // One section per event: "# Samples: N  of event 'E'", "# Event count (approx.): M", then the rows.
        var sections = run!.Value.Output.Split("# Samples: ").Skip(1).ToList();
        string section = perfEvent is null ? sections[0] : sections.Single(s => s.Contains($"of event '{perfEvent}'", StringComparison.Ordinal));
        long count = long.Parse(EventCount().Match(section).Groups[1].Value, CultureInfo.InvariantCulture);
        var rows = new List<(string, double)>();
        foreach (string line in section.Split('\n'))
        {
            if (Row().Match(line) is { Success: true } row)
            {
                // perf report marks an inlined function's name; kashika's frame kind says it.
                rows.Add((row.Groups[2].Value.Trim().Replace(" (inlined)", "", StringComparison.Ordinal), double.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture)));
            }
        }

        return (count, rows);
    }

    [GeneratedRegex(@"Event count \(approx\.\): (\d+)")]
    private static partial Regex EventCount();

    // "    40.03%  [.] spin_a", "    45.00%     0.00%  [k] main" (children first), "    49.35%     2086:worker-2".
    [GeneratedRegex(@"^\s+([\d.]+)%(?:\s+[\d.]+%)?\s+(?:\[.\] )?(.+)$")]
    private static partial Regex Row();

    [GeneratedRegex(@"^(0x)?[0-9a-f]+$")]
    private static partial Regex HexName();
}
