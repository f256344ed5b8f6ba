using System.Globalization;
using Kashika.Testing;

namespace Kashika.Tests.IoStat;

/// <summary>--format openmetrics: gauges node_exporter's textfile collector and Prometheus accept, equal to the text report.</summary>
public sealed class OpenMetricsTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Promtool_accepts_the_textfile_and_it_says_what_the_text_report_says()
    {
        IoStatRecordings.Write(dir.Combine("io.rec"), 4);
        var written = KashikaProcess.Run(dir.Path, "iostat", "-p", "ALL", "-g", "all", "sda", "nvme0n1", "--replay", "io.rec", "--format", "openmetrics", "-o", "iostat.prom");
        Assert.True(written.ExitCode == 0, written.StandardError);
        string metrics = File.ReadAllText(dir.Combine("iostat.prom"));
        Assert.EndsWith("# EOF\n", metrics, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        Promtool(dir.Combine("iostat.prom"));
        StrictOpenMetrics(dir.Combine("iostat.prom"));

        // The file holds the last interval: the text report's last table, column for column.
        var text = KashikaProcess.Run(dir.Path, "iostat", "-x", "-p", "ALL", "-g", "all", "sda", "nvme0n1", "-y", "--replay", "io.rec");
        Assert.True(text.ExitCode == 0, text.StandardError);
        string last = text.StandardOutput[text.StandardOutput.LastIndexOf("avg-cpu:", StringComparison.Ordinal)..];
        var lines = last.Split('\n');
        var cpu = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] modes = ["user", "nice", "system", "iowait", "steal", "idle"];
        for (int m = 0; m < modes.Length; m++)
        {
            Same(cpu[m], Gauge(metrics, "cpu_ratio", "mode", modes[m]) * 100);
        }

        string[] header = lines.First(l => l.StartsWith("Device", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var gauges = new Dictionary<string, (string Name, double Scale)>
        {
            ["r/s"] = ("reads_per_second", 1), ["w/s"] = ("writes_per_second", 1), ["d/s"] = ("discards_per_second", 1), ["f/s"] = ("flushes_per_second", 1),
            ["rkB/s"] = ("read_bytes_per_second", 1024), ["wkB/s"] = ("written_bytes_per_second", 1024), ["dkB/s"] = ("discarded_bytes_per_second", 1024),
            ["rrqm/s"] = ("read_merges_per_second", 1), ["wrqm/s"] = ("write_merges_per_second", 1), ["drqm/s"] = ("discard_merges_per_second", 1),
            ["%rrqm"] = ("read_merged_ratio", 0.01), ["%wrqm"] = ("write_merged_ratio", 0.01), ["%drqm"] = ("discard_merged_ratio", 0.01),
            ["r_await"] = ("read_await_seconds", 0.001), ["w_await"] = ("write_await_seconds", 0.001), ["d_await"] = ("discard_await_seconds", 0.001),
            ["f_await"] = ("flush_await_seconds", 0.001), ["rareq-sz"] = ("read_request_size_bytes", 1024), ["wareq-sz"] = ("write_request_size_bytes", 1024),
            ["dareq-sz"] = ("discard_request_size_bytes", 1024), ["aqu-sz"] = ("queue_size", 1), ["%util"] = ("util_ratio", 0.01),
        };
        int rows = 0;
        foreach (string line in lines.SkipWhile(l => !l.StartsWith("Device", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.Length > 0))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            bool group = line.StartsWith(' ');
            for (int c = 1; c < header.Length; c++)
            {
                var (name, scale) = gauges[header[c]];
                Same(cells[c], Gauge(metrics, name, group ? "group" : "device", cells[0]) / scale);
            }

            rows++;
        }

        Assert.True(rows >= 7, $"{rows} rows");
        Assert.Contains("kashika_iostat_util_ratio{group=\"all\"} ", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public void A_live_textfile_is_never_seen_half_written()
    {
        using var run = KashikaProcess.Start(dir.Path, "iostat", "--format", "openmetrics", "-o", "iostat.prom", "1", "4");
        int reads = 0;
        while (!run.HasExited)
        {
            try
            {
                string content = File.ReadAllText(dir.Combine("iostat.prom"));
                Assert.StartsWith("# TYPE kashika_iostat_cpu_ratio gauge\n", content, StringComparison.Ordinal);
                Assert.EndsWith("# EOF\n", content, StringComparison.Ordinal);
                reads++;
            }
            catch (FileNotFoundException)
            {
                // Not written yet: the first interval takes a second.
            }
        }

        Assert.Equal(0, run.ExitCode);
        Assert.True(reads > 10, $"only {reads} reads of the file while it was rewritten");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    [Fact]
    public void Device_names_are_escaped_in_labels()
    {
        Assert.Equal("a\\\"b\\\\c\\nd", Kashika.Reports.IoStat.IoStatMetricsFormat.LabelValue("a\"b\\c\nd"));
    }

    [Fact]
    public void A_textfile_that_cannot_be_written_is_an_error_without_a_trace()
    {
        var result = KashikaProcess.Run(dir.Path, "iostat", "--format", "openmetrics", "-o", "missing/iostat.prom");
        Assert.Equal(4, result.ExitCode);
        Assert.Contains("cannot write missing/iostat.prom: no such directory", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    // A gauge's value by metric and label; the text report shows two decimals, C's rounding of the same double.
    private static double Gauge(string metrics, string name, string label, string value)
    {
        string prefix = $"kashika_iostat_{name}{{{label}=\"{value}\"}} ";
        string line = metrics.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }

    private static void Same(string printed, double value) =>
        Assert.True(Math.Abs(double.Parse(printed, CultureInfo.InvariantCulture) - value) <= 0.005 + 1e-9, $"text {printed}, metric {value}");

    private static void Promtool(string file)
    {
        var result = Tool("promtool", ["check", "metrics"], file, "promtool is not installed (Debian package prometheus)");
        if (result is var (code, output))
        {
            Assert.True(code == 0 && output.Trim().Length == 0, $"promtool: {output}");
        }
    }

    // The strict OpenMetrics parser of the Python client (Debian python3-prometheus-client, so the system's python3): UNIT, EOF, names.
    private static void StrictOpenMetrics(string file)
    {
        const string Script = "import sys\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families as p\nprint(sum(len(f.samples) for f in p(sys.stdin.read())))";
        var result = Tool(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3", ["-c", Script], file, "python3-prometheus-client is not installed");
        if (result is var (code, output))
        {
            Assert.True(code == 0, output);
            Assert.True(int.Parse(output.Trim(), CultureInfo.InvariantCulture) > 100, output);
        }
    }

    private static (int Code, string Output)? Tool(string program, string[] arguments, string input, string missing)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Requirements.Missing(missing);
            return null;
        }

        process.StandardInput.Write(File.ReadAllText(input));
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (output.Contains("No module named 'prometheus_client'", StringComparison.Ordinal))
        {
            Requirements.Missing(missing);
        }

        return (process.ExitCode, output);
    }
}
