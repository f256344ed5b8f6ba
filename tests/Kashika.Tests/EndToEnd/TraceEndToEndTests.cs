using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Kashika.Testing;

namespace Kashika.Tests.EndToEnd;

/// <summary>The real CLI on trace inputs: files, .gz, standard input, folded input, perf.data recorded here, every format.</summary>
public sealed class TraceEndToEndTests : IDisposable
{
    private const string Sample =
        "java 12688/12764 [002] 6544038.708352: 235 cpu-clock:\n"
        + "\tffffffff8103ce3b native_safe_halt ([kernel.kallsyms])\n"
        + "\t7f722d140000 main (/usr/bin/java)\n"
        + "\n"
        + "java 12688/12764 [002] 6544038.718352: 100 cpu-clock:\n"
        + "\t7f722d140000 main (/usr/bin/java)\n";

    private const string Folded = "java;main 100\njava;main;native_safe_halt 235\n";

    private readonly TempDirectory dir = new();

    public TraceEndToEndTests() => File.WriteAllText(dir.Combine("sample.txt"), Sample);

    public void Dispose() => dir.Dispose();

    private CliResult Run(params string[] arguments) => KashikaProcess.Run(dir.Path, arguments);

    [Fact]
    public void Files_gz_and_stdin_give_the_same_folded_stacks()
    {
        using (var gz = new GZipStream(File.Create(dir.Combine("sample.gz")), CompressionLevel.Fastest))
        {
            gz.Write(System.Text.Encoding.UTF8.GetBytes(Sample));
        }

        Assert.Equal(Folded, Run("trace", "collapse", "sample.txt").StandardOutput);
        Assert.Equal(Folded, Run("trace", "collapse", "sample.gz").StandardOutput);
        var stdin = Process.Start(new ProcessStartInfo("sh", ["-c", $"dotnet '{Paths.CliDll}' trace collapse - < sample.txt"])
        {
            WorkingDirectory = dir.Path,
            RedirectStandardOutput = true,
        })!;
        Assert.Equal(Folded, stdin.StandardOutput.ReadToEnd());
        stdin.WaitForExit();
        Assert.Equal(0, stdin.ExitCode);
    }

    [Fact]
    public void Folded_input_is_passed_through_normalised_and_written_to_a_file()
    {
        File.WriteAllText(dir.Combine("in.folded"), "java;main;native_safe_halt 200\njava;main 100\njava;main;native_safe_halt 35\n");
        var result = Run("trace", "collapse", "in.folded", "-o", "out.folded");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Folded, File.ReadAllText(dir.Combine("out.folded")));
    }

    [Fact]
    public void Json_tree_speedscope_and_d3trace()
    {
        var tree = JsonDocument.Parse(Run("trace", "collapse", "--format", "json", "sample.txt").StandardOutput).RootElement;
        Assert.Equal(335, tree.GetProperty("value").GetInt64());
        var main = tree.GetProperty("children")[0].GetProperty("children")[0];
        Assert.Equal("main", main.GetProperty("name").GetString());
        Assert.Equal("kernel", main.GetProperty("children")[0].GetProperty("kind").GetString());

        var speedscope = JsonDocument.Parse(Run("trace", "collapse", "--format", "speedscope", "sample.txt").StandardOutput).RootElement;
        Assert.Equal("https://www.speedscope.app/file-format-schema.json", speedscope.GetProperty("$schema").GetString());
        var profile = speedscope.GetProperty("profiles")[0];
        Assert.Equal("sampled", profile.GetProperty("type").GetString());
        Assert.Equal(335, profile.GetProperty("weights").EnumerateArray().Sum(w => w.GetInt64()));

        string d3 = Run("trace", "collapse", "--format", "d3trace", "sample.txt").StandardOutput;
        Assert.StartsWith("var trace_json = {\"name\":\"All\",\"children\":[{\"name\":\"main\"", d3, StringComparison.Ordinal);
    }

    [Fact]
    public void D3trace_counts_the_original_test_file_right()
    {
        // d3js_trace's own test file has 482 samples; the original's output totals 642 (it miscounted).
        string input = Paths.RequireCorpus("trace/d3js_trace/tests/test1.data");
        var result = KashikaProcess.Run(dir.Path, "trace", "collapse", "--weight", "samples", "--format", "json", input);
        Assert.Equal(482, JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("value").GetInt64());
    }

    [Fact]
    public void Unrecognised_lines_are_reported_with_file_and_line_and_the_run_goes_on()
    {
        File.WriteAllText(dir.Combine("noisy.txt"), Sample.Replace("\n\n", "\nthis is not perf output\n\n", StringComparison.Ordinal));
        var result = Run("trace", "collapse", "noisy.txt");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Folded, result.StandardOutput);
        Assert.Contains("kashika: warning: noisy.txt:4: unrecognised line skipped: this is not perf output", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_multi_event_warning_names_the_counted_and_the_skipped_event()
    {
        // Regression of Perl's warning, which named the skipped event as the one filtered for.
        string input = Paths.RequireCorpus("trace/FlameGraph/test/perf-cycles-instructions-01.txt");
        var result = KashikaProcess.Run(dir.Path, "trace", "collapse", input);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(
            "kashika: warning: several events: counted 'instructions' (the first event in the input), skipped 'cycles' (111 samples); choose with --event",
            result.StandardError,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_or_missing_input_is_an_error_without_output()
    {
        File.WriteAllText(dir.Combine("empty.txt"), "");
        var empty = Run("trace", "collapse", "empty.txt", "-o", "out.folded");
        Assert.Equal(3, empty.ExitCode);
        Assert.Contains("kashika: error: empty.txt: no stack samples found", empty.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("out.folded")));

        // Regression: text that is not perf output was "recognised" line by line before any event line, so the error said
        // 0 unrecognised lines.
        File.WriteAllText(dir.Combine("passwd.txt"), "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n");
        var notPerf = Run("trace", "collapse", "passwd.txt");
        Assert.Equal(3, notPerf.ExitCode);
        Assert.Contains("kashika: error: passwd.txt: 2 of its 2 lines are not perf script (line 1: root:x:0:0", notPerf.StandardError, StringComparison.Ordinal);

        var missing = Run("trace", "collapse", "nope.txt");
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("kashika: error: nope.txt: no such file", missing.StandardError, StringComparison.Ordinal);
        Assert.Equal("", missing.StandardOutput);
    }

    [Fact]
    public void A_real_perf_recording_is_read_through_perf_script()
    {
        string data = dir.Combine("perf.data");
        var record = ExternalTool.Run(dir.Path, "perf", "record", "-e", "cpu-clock", "-F", "999", "-g", "-o", data, "--", "dd", "if=/dev/zero", "of=/dev/null", "bs=64k", "count=100000");
        if (record is null || record.Value.ExitCode != 0 || !File.Exists(data))
        {
            Requirements.Missing($"perf cannot record here ({record?.Error.Trim() ?? "perf is not installed"})");
        }

        var result = Run("trace", "collapse", "perf.data");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains(result.StandardOutput.Split('\n'), line => line.StartsWith("dd;", StringComparison.Ordinal));

        // perf script with kashika's home (the test folder): perf record kept its build-id cache in the real one, and a
        // vdso is named from the cache alone when the recording names its build id.
        var script = ExternalTool.Run(dir.Path, "sh", "-c", $"HOME='{dir.Path}' perf script -i '{data}'")!.Value;
        File.WriteAllText(dir.Combine("script.txt"), script.Output);
        Assert.Equal(Run("trace", "collapse", "script.txt").StandardOutput, result.StandardOutput);
    }
}

/// <summary>kashika trace (the page) and kashika trace diff through the real CLI: outputs and errors.</summary>
public sealed class TracePageEndToEndTests : IDisposable
{
    private const string Sample = "java 12688/12764 [002] 6544038.708352: 235 cpu-clock:\n\t7f722d140000 main (/usr/bin/java)\n\n";

    private readonly TempDirectory dir = new();

    public TracePageEndToEndTests() => File.WriteAllText(dir.Combine("sample.txt"), Sample);

    public void Dispose() => dir.Dispose();

    [Fact]
    public void The_page_is_one_self_contained_file_named_trace_html_by_default()
    {
        var result = KashikaProcess.Run(dir.Path, "trace", "sample.txt");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("wrote", result.StandardError, StringComparison.Ordinal);
        string page = File.ReadAllText(dir.Combine("trace.html"));
        Assert.Contains("\"schema\":\"kashika.trace/1\"", page, StringComparison.Ordinal);
        Assert.Contains("\"label\":\"ms of cpu-clock\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var diff = KashikaProcess.Run(dir.Path, "trace", "diff", "sample.txt", "sample.txt", "-o", "d.html");
        Assert.True(diff.ExitCode == 0, diff.StandardError);
        Assert.Contains("\"title\":\"sample.txt \u2192 sample.txt\"", File.ReadAllText(dir.Combine("d.html")), StringComparison.Ordinal);
        Assert.DoesNotContain("every stack counts 0", diff.StandardError, StringComparison.Ordinal);

        // Against a profile of nothing (every stack 0): drawn, and said to be 0 of 0.
        File.WriteAllText(dir.Combine("zero.txt"), "main;b 0\n");
        var zero = KashikaProcess.Run(dir.Path, "trace", "diff", "sample.txt", "zero.txt", "-o", "z.html");
        Assert.True(zero.ExitCode == 0, zero.StandardError);
        Assert.Contains("zero.txt: every stack counts 0, so nothing is drawn and every share of it is 0 of 0", zero.StandardError, StringComparison.Ordinal);
        Assert.Contains("every stack counts 0", File.ReadAllText(dir.Combine("z.html")), StringComparison.Ordinal);

        var stdout = KashikaProcess.Run(dir.Path, "trace", "-o", "-", "sample.txt");
        Assert.StartsWith("<!DOCTYPE html>", stdout.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty.txt", "no stack samples found")]
    [InlineData("missing.txt", "missing.txt: no such file")]
    public void Bad_input_is_an_error_and_writes_nothing(string input, string message)
    {
        File.WriteAllText(dir.Combine("empty.txt"), "# nothing here\n");
        foreach (string[] command in new[] { new[] { "trace", input, "-o", "out.html" }, new[] { "trace", "diff", "sample.txt", input, "-o", "out.html" } })
        {
            var result = KashikaProcess.Run(dir.Path, command);
            Assert.Equal(3, result.ExitCode);
            Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
            Assert.False(File.Exists(dir.Combine("out.html")));
        }
    }
}
