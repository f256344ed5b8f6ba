using System.Text;
using Kashika.Cli;
using Kashika.Cli.IoStat;
using Kashika.Core.Common;
using Kashika.Core.IoStat;
using Kashika.Testing;
using Spectre.Console.Testing;

namespace Kashika.Tests.IoStat;

/// <summary>Recordings someone sends: replay writes nothing anywhere, ends, and never passes off a part as the whole.</summary>
public sealed class HostileRecordingTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    // A machine with two disks and a partition, its counters growing sample after sample.
    private static byte[] Synthetic(int samples)
    {
        var output = new MemoryStream();
        for (int i = 0; i < samples; i++)
        {
            ulong n = (ulong)(i * 100);
            string Disk(ulong reads) => $"{reads} 0 {reads * 8} {reads / 2} {n} 0 {n * 8} {n / 3} 0 {n / 4} {n / 2}\n";
            var files = new List<(string, byte[])>
            {
                ("proc/uptime", Encoding.ASCII.GetBytes($"{1000 + i}.00 1900.00\n")),
                ("proc/stat", Encoding.ASCII.GetBytes($"cpu  {100 + n} 0 {50 + n} {1000 + n} 10 0 0 0 0 0\ncpu0 1 0 1 1 0 0 0 0 0 0\n")),
                ("proc/diskstats", Encoding.ASCII.GetBytes($"   8 0 sda {Disk(n)}   8 1 sda1 {Disk(n / 2)}   8 16 sdb {Disk(n * 2)}")),
                ("proc/sys/kernel/hostname", "box\n"u8.ToArray()),
                ("sys/block/sda/stat", Encoding.ASCII.GetBytes(Disk(n))),
                ("sys/class/block/sda/dev", "8:0\n"u8.ToArray()),
                ("sys/block/sda/sda1/stat", Encoding.ASCII.GetBytes(Disk(n / 2))),
                ("sys/class/block/sda1/dev", "8:1\n"u8.ToArray()),
                ("sys/block/sdb/stat", Encoding.ASCII.GetBytes(Disk(n * 2))),
                ("sys/class/block/sdb/dev", "8:16\n"u8.ToArray()),
            };
            new Recording(1_764_000_000_000 + (i * 1000), files).AppendTo(output);
        }

        return output.ToArray();
    }

    private (ExitCode Code, string Output, string Error) ReplayInProcess(string recording, params string[] flags)
    {
        var stdout = new MemoryStream();
        var console = new TestConsole();
        console.Profile.Width = 4096;
        var context = new CliContext(stdout, Stream.Null, console, ErrorIsTerminal: false, dir.Path, TimeProvider.System);
        var run = Task.Run(() => (ExitCode)KashikaCommand.Run(["iostat", .. flags, "--replay", recording], context));
        Assert.True(run.Wait(TimeSpan.FromSeconds(20)), $"replay of {recording} did not end");
        return (run.Result, Encoding.UTF8.GetString(stdout.ToArray()), console.Output);
    }

    private sealed class Zoned(TimeZoneInfo zone) : TimeProvider
    {
        public override TimeZoneInfo LocalTimeZone => zone;
    }

    [Fact]
    public void The_clock_zone_and_environment_are_the_contexts_so_a_test_can_fix_them()
    {
        File.WriteAllBytes(dir.Combine("z.rec"), Synthetic(2));
        var stdout = new MemoryStream();
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test/Kolkata", TimeSpan.FromMinutes(330), "Test", "Test");
        var variables = new Dictionary<string, string> { ["S_TIME_FORMAT"] = "ISO", ["POSIXLY_CORRECT"] = "" };
        var context = new CliContext(stdout, Stream.Null, new TestConsole(), ErrorIsTerminal: false, dir.Path, new Zoned(zone), variables.GetValueOrDefault);
        Assert.Equal(0, KashikaCommand.Run(["iostat", "-d", "-t", "--replay", "z.rec"], context));
        string output = Encoding.UTF8.GetString(stdout.ToArray());
        // ISO timestamps in the context's zone, and POSIXLY_CORRECT's 512-byte blocks: neither from this process.
        Assert.Matches(@"\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0530\n", output);
        Assert.Contains("Blk_read/s", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_outside_the_recorded_tree_is_refused_and_nothing_is_written()
    {
        string marker = "PWNED-" + Guid.NewGuid().ToString("N");
        string outside = Path.Combine(Path.GetTempPath(), marker);
        var paths = new[] { "../../../../../../../../" + outside.TrimStart('/'), outside, "proc/../../" + marker, "sys/block/../../../" + marker, "sys/block/a\0b/stat", "dev/sda", "proc/uptime/../../x" };
        foreach (string path in paths)
        {
            File.WriteAllText(dir.Combine("t.rec"), $"kashika-iostat-recording 1\nsample 1\nfile {path} 3\nhi\n\nend\n");
            var result = KashikaProcess.Run(dir.Path, "iostat", "--replay", "t.rec");
            Assert.Equal(3, result.ExitCode);
            Assert.Contains("kashika: error: t.rec:3: '", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("is not a file a recording holds", result.StandardError, StringComparison.Ordinal);
            Assert.Equal("", result.StandardOutput);
            Assert.False(File.Exists(outside), path);
            Assert.False(File.Exists(dir.Combine(marker)), path);
        }
    }

    [Theory]
    [InlineData("-3", "must be a whole number of bytes")]
    [InlineData("+3", "must be a whole number of bytes")]
    [InlineData("99999999999", "must be a whole number of bytes")]
    [InlineData("268435457", "must be a whole number of bytes")]
    [InlineData("3x", "must be a whole number of bytes")]
    public void A_bad_length_is_an_error_naming_the_line(string length, string message)
    {
        File.WriteAllText(dir.Combine("t.rec"), $"kashika-iostat-recording 1\nsample 1\nfile proc/uptime 11\n100.00 1.00\nfile proc/stat {length}\nhi\n\nend\n");
        var result = KashikaProcess.Run(dir.Path, "iostat", "--replay", "t.rec");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"kashika: error: t.rec:5: the length of proc/stat {message}", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_one_sample_recording_replays_one_report_and_ends()
    {
        File.WriteAllBytes(dir.Combine("one.rec"), Synthetic(1));
        var text = KashikaProcess.Run(dir.Path, "iostat", "-x", "--replay", "one.rec");
        Assert.Equal(0, text.ExitCode);
        Assert.Single(text.StandardOutput.Split("Device").Skip(1));
        Assert.Contains("kashika: one.rec: replayed 1 of its 1 whole samples", text.StandardError, StringComparison.Ordinal);

        // A count beyond the recording ends with the recording: no invented rows.
        var counted = KashikaProcess.Run(dir.Path, "iostat", "-d", "--replay", "one.rec", "1", "5");
        Assert.Equal(0, counted.ExitCode);
        Assert.Single(counted.StandardOutput.Split("Device").Skip(1));

        var html = KashikaProcess.Run(dir.Path, "iostat", "--replay", "one.rec", "--format", "html", "-o", "one.html");
        Assert.Equal(3, html.ExitCode);
        Assert.Contains("fewer than two samples", html.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("one.html")));
    }

    [Fact]
    public void A_count_beyond_the_recording_invents_nothing()
    {
        File.WriteAllBytes(dir.Combine("three.rec"), Synthetic(3));
        var result = KashikaProcess.Run(dir.Path, "iostat", "-d", "--replay", "three.rec", "1", "10");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, result.StandardOutput.Split("Device").Length - 1);
        Assert.Contains("replayed 3 of its 3 whole samples", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_later_sample_is_an_error_with_nothing_printed()
    {
        byte[] good = Synthetic(3);
        string text = Encoding.ASCII.GetString(good);
        int third = text.IndexOf("sample ", text.IndexOf("sample ", text.IndexOf("sample ", StringComparison.Ordinal) + 1, StringComparison.Ordinal) + 1, StringComparison.Ordinal);
        string corrupt = text[..third] + "sample 1764000002000\nfile proc/uptime 15\n1002.00 1900.00\nXXX\n" + text[third..];
        File.WriteAllText(dir.Combine("bad.rec"), corrupt);
        var result = KashikaProcess.Run(dir.Path, "iostat", "-d", "--replay", "bad.rec");
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.Contains("bad.rec:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("expected 'file PATH LENGTH' or 'end', found 'XXX'", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Replays_read_from_memory_the_same_reports_as_the_recorded_machine()
    {
        // The recording replayed, and the same files written out as a machine root read by --root, agree.
        byte[] bytes = Synthetic(3);
        File.WriteAllBytes(dir.Combine("m.rec"), bytes);
        var roots = new List<string>();
        using (var input = new MemoryStream(bytes))
        {
            var reader = new RecordingReader(input, "m.rec");
            while (reader.Next() is { } sample)
            {
                string root = dir.Combine("root" + roots.Count);
                foreach (var (path, content) in sample.Files)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
                    File.WriteAllBytes(Path.Combine(root, path), content);
                }

                roots.Add(root);
            }
        }

        foreach (string flags in new[] { "-x", "-d -p ALL", "-x sda -p sdb" })
        {
            string[] split = flags.Split(' ');
            var replay = KashikaProcess.Run(dir.Path, ["iostat", .. split, "--replay", "m.rec"]);
            var root = KashikaProcess.Run(dir.Path, ["iostat", .. split, "1", "3", .. roots.SelectMany(r => new[] { "--root", r })]);
            Assert.True(replay.ExitCode == 0, replay.StandardError);
            string Body(string o) => o[(o.IndexOf('\n', StringComparison.Ordinal) + 1)..];
            Assert.Equal(Body(root.StandardOutput), Body(replay.StandardOutput));
            Assert.Contains("sda1", KashikaProcess.Run(dir.Path, "iostat", "-d", "-p", "ALL", "--replay", "m.rec").StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Hundreds_of_corrupted_recordings_end_with_whole_samples_or_a_clear_error()
    {
        byte[] good = Synthetic(4);
        string marker = "PWNED-" + Guid.NewGuid().ToString("N");
        string outside = Path.Combine(Path.GetTempPath(), marker);
        var random = new Random(20261126);
        var lines = Encoding.ASCII.GetString(good).Split('\n');
        for (int round = 0; round < 300; round++)
        {
            byte[] bytes = (round % 5) switch
            {
                0 => good[..random.Next(good.Length)], // truncated anywhere
                1 => BitFlips(good, random),
                2 => Encoding.ASCII.GetBytes(string.Join('\n', Splice(lines, random))),
                3 => Encoding.ASCII.GetBytes(string.Join('\n', lines).Replace("proc/stat", random.Next(3) switch
                {
                    0 => "../../../../../../" + outside.TrimStart('/'),
                    1 => outside,
                    _ => "sys/block/../../" + marker,
                }, StringComparison.Ordinal)),
                _ => Encoding.ASCII.GetBytes(string.Join('\n', lines).Replace($" {random.Next(1, 40)}\n", $" {random.Next(-5, 1 << 30)}\n", StringComparison.Ordinal)),
            };
            string name = $"r{round}.rec";
            File.WriteAllBytes(dir.Combine(name), bytes);
            var (code, output, error) = ReplayInProcess(name, "-d");
            Assert.True(code is ExitCode.Success or ExitCode.InputError, $"round {round}: exit {code}: {error}");
            if (code == ExitCode.Success)
            {
                // Each whole sample is one report; the message says how many there were.
                int reports = output.Split("Device").Length - 1;
                Assert.Contains($"replayed {reports} of its {reports} whole samples", error, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("kashika: error: ", error, StringComparison.Ordinal);
                Assert.Contains(name, error, StringComparison.Ordinal);
            }

            Assert.False(File.Exists(outside), $"round {round} wrote outside the test folder");
        }

        Assert.Equal(300, Directory.GetFiles(dir.Path).Length);
        Assert.Empty(Directory.GetDirectories(dir.Path));
    }

    private static byte[] BitFlips(byte[] good, Random random)
    {
        byte[] bytes = (byte[])good.Clone();
        for (int i = random.Next(1, 6); i > 0; i--)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return bytes;
    }

    private static IEnumerable<string> Splice(string[] lines, Random random)
    {
        var list = lines.ToList();
        int from = random.Next(list.Count), count = random.Next(1, 6);
        var moved = list.Skip(from).Take(count).ToList();
        list.RemoveRange(from, moved.Count);
        list.InsertRange(random.Next(list.Count + 1), random.Next(2) == 0 ? moved : moved.Concat(moved));
        return list;
    }
}
