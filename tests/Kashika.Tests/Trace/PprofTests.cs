using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Kashika.Testing;

namespace Kashika.Tests.Trace;

/// <summary>
/// trace collapse --format pprof read by Go's own pprof tool (Debian golang-go): its samples, stack by stack, and its
/// total equal the folded output's; a Go program's real CPU profile read as input; round trips; --label.
/// </summary>
public sealed partial class PprofTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<string> Inputs() =>
        [.. Directory.GetFiles(Path.Combine(Paths.RepositoryRoot, "tests", "Kashika.Tests", "Trace", "Data")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Go_pprof_reads_the_same_stacks_and_total_as_folded(string input)
    {
        string file = Path.Combine(Paths.RepositoryRoot, "tests", "Kashika.Tests", "Trace", "Data", input);
        var folded = Folded(KashikaProcess.Run(dir.Path, "trace", "collapse", file));
        KashikaProcess.Succeed(dir.Path, "trace", "collapse", file, "--format", "pprof", "-o", "p.pb.gz");
        if (Go("tool", "pprof", "-raw", "p.pb.gz") is not { } raw)
        {
            return;
        }

        // The folded stacks' first frame is the sampled thread, which pprof holds as the samples' comm label.
        var functions = folded.GroupBy(s => s.Key[(s.Key.IndexOf(';', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);
        Assert.Equal(functions.OrderBy(s => s.Key, StringComparer.Ordinal), Raw(raw).OrderBy(s => s.Key, StringComparer.Ordinal));
        var comms = folded.GroupBy(s => s.Key[..s.Key.IndexOf(';', StringComparison.Ordinal)], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);
        string tags = Go("tool", "pprof", "-tags", "p.pb.gz")!;
        foreach (var (comm, weight) in comms)
        {
            Assert.Contains($": {comm.Replace('_', ' ')}\n", tags, StringComparison.Ordinal); // comm as perf printed it; folded lines write its spaces as _
        }

        // -top prints the total rounded to 5 significant digits in a unit of its choosing.
        long total = folded.Values.Sum();
        Assert.InRange(Total(Go("tool", "pprof", "-top", "p.pb.gz")!), total - (total / 10_000) - 1, total + (total / 10_000) + 1);
    }

    [Fact]
    public void Perf_events_become_sample_types_and_processes_labels()
    {
        string file = Path.Combine(Paths.RepositoryRoot, "tests", "Kashika.Tests", "Trace", "Data", "perf6-dotnet-perf-map-jit-names.txt");
        KashikaProcess.Succeed(dir.Path, "trace", "collapse", file, "--pid", "--format", "pprof", "-o", "p.pb.gz");
        if (Go("tool", "pprof", "-raw", "p.pb.gz") is not { } raw)
        {
            return;
        }

        Assert.Contains("cpu-clock/nanoseconds[dflt]", raw, StringComparison.Ordinal);
        Assert.Matches(@"comm:\[dotnet\]", raw); // --pid on a recording without process ids: "dotnet-?", no pid label
        Assert.Contains("[FN]", raw, StringComparison.Ordinal); // mappings from perf's modules, symbolized
        // mapping[0], which pprof takes for the main binary: the file named after the process.
        Assert.StartsWith("File: dotnet\n", Go("tool", "pprof", "-top", "p.pb.gz"), StringComparison.Ordinal);

        KashikaProcess.Succeed(dir.Path, "trace", "collapse", file, "--weight", "samples", "--format", "pprof", "-o", "s.pb.gz");
        Assert.Contains("samples/count[dflt]", Go("tool", "pprof", "-raw", "s.pb.gz"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_go_profile_with_inlined_frames_reads_as_go_tool_pprof_reads_it_and_heap_is_bytes()
    {
        File.WriteAllText(dir.Combine("inl.go"), """
            package main

            import (
            	"os"
            	"runtime"
            	"runtime/pprof"
            	"sort"
            	"time"
            )

            var keep [][]byte

            func add(a, b int) int { return a + b }

            func work() int {
            	t := 0
            	xs := make([]int, 3000)
            	for end := time.Now().Add(700 * time.Millisecond); time.Now().Before(end); {
            		for i := range xs {
            			xs[i] = (i * 7919) % 3000
            		}
            		sort.Ints(xs)
            		t = add(t, xs[1])
            	}
            	return t
            }

            func main() {
            	runtime.MemProfileRate = 1
            	f, _ := os.Create(os.Args[1])
            	pprof.StartCPUProfile(f)
            	if work() == 42 {
            		println()
            	}
            	pprof.StopCPUProfile()
            	f.Close()
            	for i := 0; i < 50; i++ {
            		keep = append(keep, make([]byte, 4096))
            	}
            	h, _ := os.Create(os.Args[2])
            	runtime.GC()
            	pprof.WriteHeapProfile(h)
            	h.Close()
            }
            """);
        if (Go("build", "-o", "inl", "inl.go") is null)
        {
            return;
        }

        Run(dir.Combine("inl"), "cpu.pprof", "heap.pprof");
        string raw = Go("tool", "pprof", "-raw", "cpu.pprof")!;
        // The profile has locations holding inlined functions (a line per function, the innermost first).
        Assert.Contains(raw.Split('\n').SkipWhile(l => l != "Locations").TakeWhile(l => l != "Mappings"), l => InlinedLine().IsMatch(l));
        var expected = Raw(raw);
        var folded = Folded(KashikaProcess.Run(dir.Path, "trace", "collapse", "cpu.pprof"));
        Assert.Equal(expected.OrderBy(s => s.Key, StringComparer.Ordinal), folded.OrderBy(s => s.Key, StringComparer.Ordinal));
        Assert.Contains(folded.Keys, k => k.Contains("main.work;sort.Ints", StringComparison.Ordinal));

        // Round trip: pprof → kashika → pprof, read by go tool pprof, the same stacks and values.
        KashikaProcess.Succeed(dir.Path, "trace", "collapse", "cpu.pprof", "--format", "pprof", "-o", "again.pb.gz");
        string again = Go("tool", "pprof", "-raw", "again.pb.gz")!;
        Assert.Equal(expected.OrderBy(s => s.Key, StringComparer.Ordinal), Raw(again).OrderBy(s => s.Key, StringComparer.Ordinal));
        Assert.Contains("cpu/nanoseconds[dflt]", again, StringComparison.Ordinal); // what the values measure, kept

        // The page says what the values are: CPU time, and bytes for a heap profile.
        KashikaProcess.Succeed(dir.Path, "trace", "cpu.pprof", "-o", "cpu.html");
        Assert.Contains("\"label\":\"ms of CPU\"", File.ReadAllText(dir.Combine("cpu.html")), StringComparison.Ordinal);
        KashikaProcess.Succeed(dir.Path, "trace", "heap.pprof", "-o", "heap.html");
        Assert.Contains("\"label\":\"bytes of inuse_space\"", File.ReadAllText(dir.Combine("heap.html")), StringComparison.Ordinal);
        var heap = Folded(KashikaProcess.Run(dir.Path, "trace", "collapse", "heap.pprof"));
        Assert.Equal(Raw(Go("tool", "pprof", "-raw", "-sample_index=inuse_space", "heap.pprof")!).Values.Sum(), heap.Values.Sum());

        // The other sample types are said, and --event chooses one, as pprof's -sample_index does.
        var said = KashikaProcess.Run(dir.Path, "trace", "collapse", "heap.pprof");
        Assert.Contains("counted 'inuse_space' (the last, as pprof) of its sample types 'alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'", said.StandardError, StringComparison.Ordinal);
        foreach (string type in new[] { "alloc_objects", "alloc_space", "inuse_objects" })
        {
            var chosen = Folded(KashikaProcess.Run(dir.Path, "trace", "collapse", "--event", type, "heap.pprof"));
            var expectedOfType = Raw(Go("tool", "pprof", "-raw", "heap.pprof")!, type).Where(s => s.Value != 0); // a stack of 0 is no stack
            Assert.Equal(expectedOfType.OrderBy(s => s.Key, StringComparer.Ordinal), chosen.OrderBy(s => s.Key, StringComparer.Ordinal));
        }

        var unknown = KashikaProcess.Run(dir.Path, "trace", "collapse", "--event", "cycles", "heap.pprof");
        Assert.Equal(3, unknown.ExitCode);
        Assert.Contains("heap.pprof: no sample type 'cycles'; the profile has 'alloc_objects'", unknown.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_are_pprof_labels_and_root_frames_and_survive_a_round_trip()
    {
        File.WriteAllText(dir.Combine("a.txt"), "app;main;work 5\napp;main;idle 2\n");
        File.WriteAllText(dir.Combine("b.txt"), "app;main;work 3\n");
        KashikaProcess.Succeed(dir.Path, "trace", "collapse", "a.txt", "--label", "host=web1", "--format", "pprof", "-o", "a.pb.gz");
        KashikaProcess.Succeed(dir.Path, "trace", "collapse", "b.txt", "--label", "host=web2", "--format", "pprof", "-o", "b.pb.gz");
        Assert.Equal("host=web1;app;main;idle 2\nhost=web1;app;main;work 5\nhost=web2;app;main;work 3\n",
            KashikaProcess.Run(dir.Path, "trace", "collapse", "a.pb.gz", "b.pb.gz").StandardOutput);
        KashikaProcess.Succeed(dir.Path, "trace", "collapse", "a.pb.gz", "b.pb.gz", "--format", "pprof", "-o", "fleet.pb.gz");
        if (Go("tool", "pprof", "-tags", "fleet.pb.gz") is { } tags)
        {
            Assert.Matches(@"7(\.0)? \(\s*70\.00%\): web1", tags);
            Assert.Matches(@"3(\.0)? \(\s*30\.00%\): web2", tags);
        }

        Assert.Equal(2, KashikaProcess.Run(dir.Path, "trace", "collapse", "a.txt", "--label", "nokey").ExitCode);
    }

    [Fact]
    public void A_damaged_profile_is_an_input_error_naming_it()
    {
        File.WriteAllText(dir.Combine("a.txt"), "app;main;work 5\n");
        KashikaProcess.Succeed(dir.Path, "trace", "collapse", "a.txt", "--format", "pprof", "-o", "a.pb.gz");
        byte[] whole;
        using (var gzip = new System.IO.Compression.GZipStream(File.OpenRead(dir.Combine("a.pb.gz")), System.IO.Compression.CompressionMode.Decompress))
        using (var bytes = new MemoryStream())
        {
            gzip.CopyTo(bytes);
            whole = bytes.ToArray();
        }

        File.WriteAllBytes(dir.Combine("cut.pb"), whole[..(whole.Length - 3)]);
        var run = KashikaProcess.Run(dir.Path, "trace", "collapse", "cut.pb");
        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("kashika: error: cut.pb: ", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
        Assert.Equal("", run.StandardOutput);
    }

    [Fact]
    public void Inputs_of_different_kinds_are_refused_not_skipped()
    {
        string perf = Path.Combine(Paths.RepositoryRoot, "tests", "Kashika.Tests", "Trace", "Data", "perf6-dotnet-perf-map-jit-names.txt");
        File.WriteAllText(dir.Combine("a.txt"), "app;main;work 5\n");
        KashikaProcess.Succeed(dir.Path, "trace", "collapse", "a.txt", "--format", "pprof", "-o", "a.pb.gz");
        foreach (var (first, second) in new[] { ("a.pb.gz", perf), ("a.txt", perf), (perf, "a.txt"), (perf, "a.pb.gz") })
        {
            var run = KashikaProcess.Run(dir.Path, "trace", "collapse", first, second);
            Assert.Equal(3, run.ExitCode);
            Assert.Contains("cannot be read with", run.StandardError, StringComparison.Ordinal);
            Assert.Equal("", run.StandardOutput);
        }
    }

    private static Dictionary<string, long> Folded(CliResult run)
    {
        Assert.True(run.ExitCode == 0, run.StandardError);
        return run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => (Stack: l[..l.LastIndexOf(' ')], Count: long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)))
            .GroupBy(s => s.Stack, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(s => s.Count), StringComparer.Ordinal);
    }

    // go tool pprof -raw: each sample's value (the default sample type's) and location ids, leaf first; each location's
    // functions, innermost first. Stacks rebuilt root first, as folded lines are.
    // go tool pprof -raw's stacks, each with the value of one sample type: the given one, else pprof's default.
    private static Dictionary<string, long> Raw(string raw, string? type = null)
    {
        string[] lines = raw.Split('\n');
        int samplesAt = Array.IndexOf(lines, "Samples:");
        string[] types = lines[samplesAt + 1].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int value = type is not null ? Array.FindIndex(types, t => t.StartsWith(type + "/", StringComparison.Ordinal))
            : Array.FindIndex(types, t => t.EndsWith("[dflt]", StringComparison.Ordinal)) is >= 0 and var d ? d : types.Length - 1;
        var functions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (string line in lines.SkipWhile(l => l != "Locations").Skip(1).TakeWhile(l => l != "Mappings"))
        {
            // pprof shortens a name it can simplify and prints the whole one after it, in parentheses.
            if (LocationLine().Match(line) is { Success: true } location)
            {
                functions[location.Groups[1].Value] = current = [location.Groups[3].Success ? location.Groups[3].Value : location.Groups[2].Value];
            }
            else if (InlinedLine().Match(line) is { Success: true } inlined)
            {
                current!.Add(inlined.Groups[2].Success ? inlined.Groups[2].Value : inlined.Groups[1].Value);
            }
        }

        var stacks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(samplesAt + 2).TakeWhile(l => l != "Locations"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string[] numbers = colon < 0 ? [] : line[..colon].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (numbers.Length <= value || !long.TryParse(numbers[value], CultureInfo.InvariantCulture, out long v))
            {
                continue; // a label line
            }

            var frames = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(id => functions[id]).Reverse();
            string stack = string.Join(';', frames);
            stacks[stack] = stacks.GetValueOrDefault(stack) + v;
        }

        return stacks;
    }

    [GeneratedRegex(@"^\s+(\d+): 0x[0-9a-f]+ (?:M=\d+ )?(.*?) \S*:\d+ s=\d+(?:\((.*)\))?$")]
    private static partial Regex LocationLine();

    [GeneratedRegex(@"^\s{10,}(.*?) \S*:\d+ s=\d+(?:\((.*)\))?$")]
    private static partial Regex InlinedLine();

    // "Showing nodes accounting for X, 100% of TOTAL total", TOTAL with a unit pprof chose (ns, us, ms, s) or none.
    private static long Total(string top)
    {
        var match = Regex.Match(top, @"of ([0-9.]+)([a-z]*) total");
        Assert.True(match.Success, top);
        double number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        double scale = match.Groups[2].Value switch { "s" => 1e9, "ms" => 1e6, "us" => 1e3, _ => 1 };
        return (long)Math.Round(number * scale);
    }

    private string? Go(params string[] arguments)
    {
        try
        {
            return Run("go", arguments);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Requirements.Missing("go is not installed (Debian package golang-go)");
            return null;
        }
    }

    private string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir.Path };
        // pprof would otherwise look for the profiled binaries to symbolize them.
        start.Environment["PPROF_BINARY_PATH"] = dir.Path;
        start.Environment["GOCACHE"] = dir.Combine(".gocache");
        start.Environment["HOME"] = dir.Path;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error.Result}");
        return output;
    }
}
