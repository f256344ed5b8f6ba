using Kashika.Adapters.IoStat;
using Kashika.Cli;
using Kashika.Cli.IoStat;
using Kashika.Core.IoStat;
using Kashika.Testing;
using Spectre.Console.Testing;

namespace Kashika.Tests.IoStat;

/// <summary>Recording this machine's counters, replaying them, drawing them, and the live view.</summary>
public sealed class RecordReplayTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static string WithoutBanner(string output) => output[(output.IndexOf('\n', StringComparison.Ordinal) + 1)..];

    [Fact]
    public void A_replay_prints_exactly_what_was_printed_live()
    {
        var live = KashikaProcess.Run(dir.Path, "iostat", "-x", "-p", "ALL", "--record", "io.rec", "1", "3");
        Assert.True(live.ExitCode == 0, live.StandardError);
        var replay = KashikaProcess.Run(dir.Path, "iostat", "-x", "-p", "ALL", "--replay", "io.rec");
        Assert.True(replay.ExitCode == 0, replay.StandardError);
        Assert.Equal(WithoutBanner(live.StandardOutput), WithoutBanner(replay.StandardOutput));
        Assert.Equal(3, live.StandardOutput.Split("avg-cpu:").Length - 1);
        Assert.DoesNotContain("is not applied", replay.StandardError, StringComparison.Ordinal);

        // An interval cannot change the pace of what was recorded: said; the count still applies.
        var paced = KashikaProcess.Run(dir.Path, "iostat", "-x", "--replay", "io.rec", "4", "2");
        Assert.True(paced.ExitCode == 0, paced.StandardError);
        Assert.Contains("io.rec: each report is the next recorded sample", paced.StandardError, StringComparison.Ordinal);
        Assert.Contains("the interval given (4) is not applied, the count is", paced.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, paced.StandardOutput.Split("avg-cpu:").Length - 1);

        // Appending a second run keeps one valid recording with every sample.
        Assert.Equal(0, KashikaProcess.Run(dir.Path, "iostat", "-d", "--record", "io.rec").ExitCode);
        using var file = File.OpenRead(dir.Combine("io.rec"));
        Assert.Equal((4, null), RecordingReader.Check(file, "io.rec"));
    }

    [Fact]
    public void An_interrupted_recording_keeps_its_complete_samples()
    {
        Assert.Equal(0, KashikaProcess.Run(dir.Path, "iostat", "-d", "--record", "io.rec", "1", "2").ExitCode);
        byte[] bytes = File.ReadAllBytes(dir.Combine("io.rec"));
        File.WriteAllBytes(dir.Combine("cut.rec"), bytes[..(bytes.Length - 40)]);
        using (var file = File.OpenRead(dir.Combine("cut.rec")))
        {
            var (samples, cutShort) = RecordingReader.Check(file, "cut.rec");
            Assert.Equal(1, samples);
            Assert.Contains("cut short", cutShort, StringComparison.Ordinal);
        }

        var replay = KashikaProcess.Run(dir.Path, "iostat", "-d", "--replay", "cut.rec");
        Assert.Equal(0, replay.ExitCode);
        Assert.Single(replay.StandardOutput.Split("Device").Skip(1));
        Assert.Contains("kashika: warning: cut.rec: the sample that starts at line", replay.StandardError, StringComparison.Ordinal);
        Assert.Contains("replayed 1 of its 1 whole samples", replay.StandardError, StringComparison.Ordinal);

        // Appending to a recording cut short would glue a new sample onto the cut one: refused.
        var append = KashikaProcess.Run(dir.Path, "iostat", "-d", "--record", "cut.rec");
        Assert.Equal(3, append.ExitCode);
        Assert.Contains("cut.rec does not end with a whole sample", append.StandardError, StringComparison.Ordinal);

        var missing = KashikaProcess.Run(dir.Path, "iostat", "--replay", "missing.rec");
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("kashika: error: missing.rec: no such file", missing.StandardError, StringComparison.Ordinal);

        var unwritable = KashikaProcess.Run(dir.Path, "iostat", "--record", "no/such/dir/io.rec");
        Assert.Equal(4, unwritable.ExitCode);
        Assert.Contains("kashika: error: cannot write no/such/dir/io.rec: no such directory", unwritable.StandardError, StringComparison.Ordinal);

        File.WriteAllText(dir.Combine("bogus.rec"), "hello\n");
        var bogus = KashikaProcess.Run(dir.Path, "iostat", "--replay", "bogus.rec");
        Assert.Equal(3, bogus.ExitCode);
        Assert.Contains("bogus.rec: not a kashika iostat recording", bogus.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_html_chart_is_written_from_a_recording()
    {
        Assert.Equal(0, KashikaProcess.Run(dir.Path, "iostat", "-d", "--record", "io.rec", "1", "3").ExitCode);
        var html = KashikaProcess.Run(dir.Path, "iostat", "--replay", "io.rec", "--format", "html", "-o", "io.html");
        Assert.True(html.ExitCode == 0, html.StandardError);
        string page = File.ReadAllText(dir.Combine("io.html"));
        Assert.Contains("\"schema\":\"kashika.iostat-chart/2\"", page, StringComparison.Ordinal);
        Assert.Contains("\"%util\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src", page, StringComparison.Ordinal);

        var withoutRecording = KashikaProcess.Run(dir.Path, "iostat", "--format", "html");
        Assert.Equal(2, withoutRecording.ExitCode);
        Assert.Contains("--format html draws a recording", withoutRecording.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctrl_C_ends_a_live_recording_and_its_page_is_written()
    {
        using var run = KashikaProcess.Start(dir.Path, "iostat", "-d", "--record", "live.rec", "1", "--format", "html", "-o", "live.html");
        // Wait for three whole samples, then interrupt as a user would.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && (!File.Exists(dir.Combine("live.rec")) || File.ReadAllText(dir.Combine("live.rec")).Split("\nend\n").Length < 4))
        {
            Thread.Sleep(100);
        }

        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        Assert.True(run.WaitForExit(10_000), "the run did not stop on SIGINT");
        Assert.Equal(0, run.ExitCode);
        string page = File.ReadAllText(dir.Combine("live.html"));
        Assert.Contains("\"schema\":\"kashika.iostat-chart/2\"", page, StringComparison.Ordinal);
        using var file = File.OpenRead(dir.Combine("live.rec"));
        var (samples, cutShort) = RecordingReader.Check(file, "live.rec");
        Assert.Null(cutShort);
        Assert.InRange(samples, 3, 10);
    }

    [Fact]
    public void The_live_view_redraws_one_report_in_place()
    {
        string corpus = Paths.RequireCorpus("iostat/sysstat");
        var roots = Enumerable.Range(1, 3).Select(n => Path.Combine(corpus, "roots", $"root{n}")).ToList();
        var console = new TestConsole().Interactive();
        var context = new CliContext(Stream.Null, Stream.Null, console, ErrorIsTerminal: true, dir.Path, TimeProvider.System);
        var options = new IoStatOptions { Disk = true, Extended = true, AllDevices = true, Interval = 1, Count = 3 };
        var engine = new IoStatEngine(options, new RootSystemSource(roots, TimeSpan.Zero, _ => { }));
        var print = new Kashika.Reports.IoStat.IoStatPrint(options, new MachineBanner("test", "host", "x86_64", 8, "12/05/26"), engine.Reports(), _ => "");
        LiveView.Run(print, context);
        string screen = console.Output;
        Assert.Contains("r_await", screen, StringComparison.Ordinal);
        Assert.Contains("sdq", screen, StringComparison.Ordinal);
        // The last frame shows the third report alone (root3 has sdc's flushes), not the three one below the other.
        string lastFrame = screen[screen.LastIndexOf("Linux test", StringComparison.Ordinal)..];
        Assert.Single(lastFrame.Split("Device ").Skip(1));
    }
}

/// <summary>Odd machines: malformed or missing files, devices coming and going, an unchanged uptime.</summary>
public sealed class IoStatRobustnessTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Root(string name, string uptime, string diskstats, params (string Device, string Stat)[] sys)
    {
        string root = dir.Combine(name);
        Directory.CreateDirectory(Path.Combine(root, "proc"));
        File.WriteAllText(Path.Combine(root, "proc", "uptime"), uptime);
        File.WriteAllText(Path.Combine(root, "proc", "stat"), "cpu  1 2 3 4 5 6 7 8 9 10\n");
        File.WriteAllText(Path.Combine(root, "proc", "diskstats"), diskstats);
        foreach (var (device, stat) in sys)
        {
            Directory.CreateDirectory(Path.Combine(root, "sys", "block", device));
            File.WriteAllText(Path.Combine(root, "sys", "block", device, "stat"), stat);
        }

        return root;
    }

    [Fact]
    public void Malformed_entries_and_hot_plug_never_crash()
    {
        string a = Root("a", "100.00 1.00\n", "   8 0 sda 10 0 80 5 0 0 0 0 0 5 5\ngarbage line\n   8 16 sdb x y z\n",
            ("sda", "10 0 80 5 0 0 0 0 0 5 5"), ("sdb", "not numbers"));
        string b = Root("b", "100.00 1.00\n", "   8 16 sdc 1 0 8 1 0 0 0 0 0 1 1\n", ("sdc", "1 0 8 1 0 0 0 0 0 1 1")); // sda unplugged, sdc plugged, uptime unchanged
        string c = Root("c", "101.00 1.00\n", "   8 0 sda 5 0 40 2 0 0 0 0 0 2 2\n", ("sda", "5 0 40 2 0 0 0 0 0 2 2")); // sda back with new counters
        foreach (var flags in new[] { "-x", "-dx", "-d" })
        {
            var result = KashikaProcess.Run(dir.Path, "iostat", flags, "-p", "ALL", "1", "3", "--root", a, "--root", b, "--root", c);
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
            // A device that came back is counted from zero, never as a negative rate.
            Assert.DoesNotContain(
                result.StandardOutput.Split('\n').Where(l => l.StartsWith("sd", StringComparison.Ordinal)).SelectMany(l => l.Split(' ')),
                w => w.StartsWith('-'));
        }
    }

    [Fact]
    public void Busy_time_past_2_to_the_32_ms_is_taken_across_the_wrap_and_said()
    {
        // io_ticks and time_in_queue 296 and 1,296 ms short of 2^32, then past it; then a step back of 4 ms.
        string[] lines = ["10 0 80 5 0 0 0 0 0 4294967000 4294966000", "20 0 160 10 0 0 0 0 0 404 3704", "30 0 240 15 0 0 0 0 0 400 3700"];
        string[] roots = [.. lines.Select((stat, i) => Root($"w{i}", $"{100 + i}.00 1.00\n", $"   8 0 sda {stat}\n", ("sda", stat)))];
        var result = KashikaProcess.Run(dir.Path, "iostat", "-dx", "1", "3", "--root", roots[0], "--root", roots[1], "--root", roots[2]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        var rows = result.StandardOutput.Split('\n').Where(l => l.StartsWith("sda", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["5.00", "70.00"], rows[1][^2..]); // 5,000 ms in the queue and 700 ms busy in 1 s
        Assert.Equal(["0.00", "0.00"], rows[2][^2..]); // a step back is no time, as sysstat reads it
        Assert.Single(result.StandardError.Split('\n'), l => l.Contains("sda: io_ticks or time_in_queue passed 2^32 ms", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unreadable_uptime_is_one_clear_error()
    {
        string bad = Root("bad", "not a number\n", "");
        var result = KashikaProcess.Run(dir.Path, "iostat", "--root", bad);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("kashika: error:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("cannot read proc/uptime", result.StandardError, StringComparison.Ordinal);
    }
}
