using System.Diagnostics;
using Kashika.Testing;

namespace Kashika.Tests.EndToEnd;

/// <summary>
/// docs/errors.md, row by row: every failure a user can cause ends with one clear line and its documented exit code,
/// never a stack trace. Run through a shell, as a user would, for /dev/full, closed descriptors and pipes.
/// </summary>
public sealed class ErrorTableTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public ErrorTableTests()
    {
        dir.Repo("a").Commits("Ann", "ann@example.org", 3).Commits("Bob", "bob@example.org", 2);
        dir.Repo("b").Commits("Ann", "ann@example.org", 2).Commits("Cy", "cy@example.org", 1);
        File.WriteAllText(dir.Combine("stacks.txt"), "main;a;b 5\nmain;c 3\n");
        File.WriteAllText(dir.Combine("heavy.txt"), "a 9223372036854775807\nb 9223372036854775807\n");
        File.WriteAllText(dir.Combine("escapes.txt"), "main;a 1\nnot a folded line \u001b]0;pwned\u0007 \u001b[2J\nmain;b 2\n");
    }

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("relate to a full disk", "$K relate --format json a b > /dev/full", 4, "cannot write standard output: No space left on device")]
    [InlineData("relate html to a full disk", "$K relate --format csv a b > /dev/full", 4, "cannot write standard output")]
    [InlineData("relate piped to head", "$K relate --format json a b | head -c 10 >/dev/null; exit ${PIPESTATUS[0]}", 0, "")]
    [InlineData("relate -o ''", "$K relate -o '' a b", 2, "-o needs a file name")]
    [InlineData("trace -o ''", "$K trace collapse -o '' stacks.txt", 2, "-o needs a file name")]
    [InlineData("iostat html -o ''", "$K iostat --replay x.rec --format html -o ''", 2, "-o needs a file name")]
    [InlineData("export --parquet ''", "$K relate export --parquet '' a b", 2, "--parquet needs a path, not an empty one")]
    [InlineData("--cache ''", "$K relate --cache '' a b", 2, "--cache needs a path, not an empty one")]
    [InlineData("--cache=", "$K relate --cache= a b", 2, "--cache needs a path, not an empty one")]
    [InlineData("iostat -f ''", "$K iostat -f ''", 2, "-f needs a directory, not an empty path")]
    [InlineData("export --parquet -", "$K relate export --parquet - a b", 2, "--parquet -: standard input or output is no file or folder here")]
    [InlineData("--aliases -", "$K relate --aliases - a b", 2, "--aliases -: standard input or output is no file or folder here")]
    [InlineData("catastrophic bot pattern", "$K relate --bot-pattern '(a+)+$' --format csv a b", 0, "")]
    [InlineData("bot pattern needing backtracking", "$K relate --bot-pattern '(a)\\1' a b", 2, "backreferences and lookarounds are not supported")]
    [InlineData("--threads abc", "$K trace collapse --threads abc stacks.txt", 2, "Cannot parse argument 'abc' for option '--threads'")]
    [InlineData("trace to a full disk", "$K trace collapse stacks.txt > /dev/full", 4, "cannot write standard output")]
    [InlineData("trace json to a full disk", "$K trace collapse --format json stacks.txt > /dev/full", 4, "cannot write standard output")]
    [InlineData("folded counts past 2^63", "$K trace collapse heavy.txt", 3, "heavy.txt:2: the samples' weights add up past 2^63 − 1")]
    [InlineData("iostat interval past Int64", "$K iostat 99999999999999999999 1", 2, "interval 99999999999999999999")]
    [InlineData("iostat count past Int64", "$K iostat 1 99999999999999999999", 2, "count 99999999999999999999")]
    [InlineData("standard error closed", "$K --version 2>&-", 0, "")]
    [InlineData("iostat to a full disk", "$K iostat -x > /dev/full", 4, "cannot write standard output")]
    [InlineData("iostat -o XML", "$K iostat -o XML", 2, "iostat's -o takes JSON")]
    [InlineData("iostat -V", "$K iostat -V", 0, "")]
    [InlineData("iostat unknown option", "$K iostat -q", 2, "-q: no such option")]
    [InlineData("iostat --dec=3", "$K iostat --dec=3", 2, "--dec=3: --dec takes 0, 1 or 2")]
    [InlineData("trace diff - -", "echo 'a;b 1' | $K trace diff - -", 2, "standard input (-) is named twice")]
    [InlineData("trace collapse - -", "echo 'a;b 1' | $K trace collapse - -", 2, "standard input (-) is named twice")]
    [InlineData("--aliases /dev/zero", "$K relate --aliases /dev/zero a b", 3, "--aliases /dev/zero: more than 64 MiB")]
    [InlineData("--not-same /dev/zero", "$K relate --not-same /dev/zero a b", 3, "--not-same /dev/zero: more than 16 MiB")]
    [InlineData("--order /dev/zero", "mkdir -p r && printf '  1 Ann\\n' > r/x && $K relate --from-ranking r --order /dev/zero", 3, "--order /dev/zero: more than 16 MiB")]
    [InlineData("iostat proc/stat is /dev/zero", "mkdir -p z/proc && echo '1.00 1.00' > z/proc/uptime && ln -sf /dev/zero z/proc/stat && $K iostat --root z", 3, "proc/stat: more than 64 MiB")]
    [InlineData("iostat --record -", "$K iostat --record - 1 2", 2, "--record -: a recording is a file")]
    [InlineData("a date git cannot read", "$K relate --since garbage a b", 2, "--since 'garbage': git cannot read this date")]
    [InlineData("an empty date", "$K relate --until '' a b", 2, "--until '': git cannot read this date")]
    [InlineData("an argument starting with @", "$K relate --format csv @a b", 3, "@a")]
    [InlineData("standard input closed", "$K trace collapse - <&-", 3, "standard input: it is closed")]
    [InlineData("a bot pattern that does not parse", "$K relate --bot-pattern '(' a b", 2, "--bot-pattern: not a valid regular expression")]
    [InlineData("a trace input that is not a profile", "printf 'hello\\n' > junk.txt; $K trace collapse junk.txt", 3, "junk.txt: 1 of its 1 lines are not perf script (line 1: hello): not a profile kashika reads")]
    [InlineData("a trace input without samples", "printf '# nothing\\n' > none.txt; $K trace collapse none.txt", 3, "none.txt: no stack samples found")]
    [InlineData("-o into a missing folder", "$K trace collapse stacks.txt -o missing/out.txt", 4, "cannot write missing/out.txt: no such directory")]
    [InlineData("an output path that is not UTF-8", "$K relate -o $'r\\xe9.html' a b; e=$?; ls r*.html 2>/dev/null && exit 9; exit $e", 2, "-o r\\xe9.html: not valid UTF-8, and kashika names files by UTF-8 paths only")]
    public void Each_error_is_one_line_and_its_exit_code(string row, string script, int exit, string message)
    {
        var (code, stderr) = Shell(script);
        Assert.True(code == exit, $"{row}: exit {code}, not {exit}: {stderr}");
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_show_terminal_escapes_escaped()
    {
        var (code, stderr) = Shell("$K trace collapse escapes.txt");
        Assert.Equal(0, code);
        Assert.Contains("\\x1b]0;pwned\\x07", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', stderr);
    }

    [Fact]
    public void Names_with_line_breaks_and_right_to_left_marks_are_shown_escaped_on_the_terminal()
    {
        // A repository folder named to forge a line of its own and to reverse what follows it.
        string name = "evil\nkashika: wrote everything\u202etxt";
        dir.Repo(name).Commits("Ann", "ann@example.org", 1);
        var result = KashikaProcess.Run(dir.Path, "relate", "-v", "-f", "csv", name, "a");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("evil\\x0akashika: wrote everything\\u{202e}txt", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202e', result.StandardError);
        Assert.DoesNotContain("\nkashika: wrote everything", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Iostat_counters_at_the_top_of_64_bits_wrap_as_in_c()
    {
        string root = dir.Combine("root");
        Directory.CreateDirectory(Path.Combine(root, "proc"));
        Directory.CreateDirectory(Path.Combine(root, "sys", "block", "sda"));
        const string Top = "18446744073709551615";
        File.WriteAllText(Path.Combine(root, "proc", "uptime"), "100.00 1.00\n");
        File.WriteAllText(Path.Combine(root, "proc", "stat"), $"cpu  {Top} {Top} {Top} {Top} {Top} 0 0 0 0 0\n");
        File.WriteAllText(Path.Combine(root, "proc", "diskstats"), $"   8 0 sda {Top} {Top} {Top} 5 {Top} {Top} {Top} 0 0 5 5 {Top} 0 {Top} 0\n");
        File.WriteAllText(Path.Combine(root, "sys", "block", "sda", "stat"), $"{Top} {Top} {Top} 5 {Top} {Top} {Top} 0 0 5 5 {Top} 0 {Top} 0\n");
        foreach (string flags in new[] { "-x", "-d", "-xs", "-c" })
        {
            var (code, stderr) = Shell($"$K iostat {flags} -p ALL --root root --root root");
            Assert.True(code == 0, $"{flags}: {stderr}");
        }
    }

    [Fact]
    public void An_interrupted_report_leaves_no_temporary_file()
    {
        // Interrupt relate while it writes its page, many times: the target is whole or absent, nothing else is left.
        for (int i = 0; i < 12; i++)
        {
            using var run = KashikaProcess.Start(dir.Path, "relate", "a", "b", "-o", "page.html");
            Thread.Sleep(150 + (i * 37 % 400));
            using (var kill = Process.Start("kill", ["-INT", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            Assert.True(run.WaitForExit(20_000), "the run did not end on SIGINT");
            Assert.Contains(run.ExitCode, new[] { 0, 130 });
            Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        }
    }

    [Fact]
    public void Killed_at_any_moment_a_report_is_the_old_one_or_whole_and_a_recording_replays()
    {
        File.WriteAllText(dir.Combine("page.html"), "old report");
        var random = new Random(20261126);
        int kills = 0;
        for (int i = 0; i < 20; i++)
        {
            using var run = KashikaProcess.Start(dir.Path, "relate", "a", "b", "--no-cache", "-o", "page.html");
            Thread.Sleep(random.Next(50, 900));
            if (!run.HasExited)
            {
                run.Kill(); // SIGKILL: no handler runs
                kills++;
            }

            run.WaitForExit();
            string page = File.ReadAllText(dir.Combine("page.html"));
            Assert.True(page == "old report" || page.TrimEnd().EndsWith("</html>", StringComparison.Ordinal), $"run {i}: a partial report");
        }

        Assert.True(kills > 5, $"only {kills} runs were killed before they ended");

        // A recording killed while it writes: its whole samples replay, the cut one is said.
        for (int i = 0; i < 5; i++)
        {
            string name = $"kill{i}.rec";
            using var run = KashikaProcess.Start(dir.Path, "iostat", "-d", "--record", name, "1");
            Thread.Sleep(random.Next(1200, 2600));
            run.Kill();
            run.WaitForExit();
            using var file = File.OpenRead(dir.Combine(name));
            var (samples, _) = Kashika.Core.IoStat.RecordingReader.Check(file, name);
            Assert.True(samples >= 1, $"{name}: {samples} samples");
            var replay = KashikaProcess.Run(dir.Path, "iostat", "-d", "--replay", name);
            Assert.Equal(0, replay.ExitCode);
        }
    }

    private (int Code, string Error) Shell(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dir.Path,
        };
        start.Environment["K"] = $"dotnet {Paths.CliDll}";
        start.Environment["HOME"] = dir.Path;
        start.Environment["XDG_CACHE_HOME"] = dir.Combine(".cache");
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.Result;
        return (process.ExitCode, error);
    }
}

/// <summary>The last row of docs/errors.md: a fault no other row expects (a bug) ends in one line naming it and how to
/// report it, exit 1; KASHIKA_DEBUG=1 adds the stack. Driven in process through a standard output that fails in a way
/// no output error does (no real input can make a bug on purpose).</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class InternalErrorTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public InternalErrorTests() => File.WriteAllText(dir.Combine("stacks.txt"), "main;a;b 5\nmain;c 3\n");

    public void Dispose() => dir.Dispose();

    private sealed class BuggyStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("a bug's message");

        public override void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException("a bug's message");
    }

    private (int Code, string Error) Run()
    {
        var console = new Spectre.Console.Testing.TestConsole();
        console.Profile.Width = 4096;
        var context = new Kashika.Cli.CliContext(new BuggyStream(), Stream.Null, console, ErrorIsTerminal: false, dir.Path, TimeProvider.System);
        return (Kashika.Cli.KashikaCommand.Run(["trace", "collapse", "stacks.txt"], context), console.Output);
    }

    [Fact]
    public void A_bug_is_one_line_and_how_to_report_it()
    {
        var (code, error) = Run();
        Assert.Equal(1, code);
        Assert.Equal(
            "kashika: error: internal error: NotSupportedException: a bug's message\n"
            + "kashika: this is a bug in kashika: please report it with the command line (KASHIKA_DEBUG=1 shows where it happened)\n",
            error.Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public void KASHIKA_DEBUG_shows_the_stack()
    {
        Environment.SetEnvironmentVariable("KASHIKA_DEBUG", "1");
        try
        {
            var (code, error) = Run();
            Assert.Equal(1, code);
            Assert.Contains("internal error: NotSupportedException", error, StringComparison.Ordinal);
            Assert.Contains("   at ", error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KASHIKA_DEBUG", null);
        }
    }
}

[CollectionDefinition(nameof(EnvironmentVariables), DisableParallelization = true)]
public sealed class EnvironmentVariables;
