using System.Diagnostics;
using System.IO.Compression;
using Kashika.Testing;

namespace Kashika.Tests.EndToEnd;

/// <summary>-o onto what is not a plain file: devices, FIFOs and /dev/stdout are written in place, a link's target is replaced.</summary>
public sealed class OutputTargetTests : IDisposable
{
    private const string Sample = "java 1 [000] 1.000000: 1 cpu-clock:\n\t1 main (/usr/bin/java)\n\n";

    private readonly TempDirectory dir = new();

    public OutputTargetTests() => File.WriteAllText(dir.Combine("s.txt"), Sample);

    public void Dispose() => dir.Dispose();

    private static void Make(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool}: {error}");
    }

    [Fact]
    public async Task A_fifo_is_written_into_not_replaced()
    {
        string fifo = dir.Combine("fifo");
        Make("mkfifo", fifo);
        // Opening a FIFO blocks until the other side opens it: the reader waits on a thread of its own.
        var reader = Task.Run(() => File.ReadAllText(fifo), TestContext.Current.CancellationToken);
        var result = KashikaProcess.Run(dir.Path, "trace", "collapse", "-o", "fifo", "s.txt");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("java;main 1\n", await reader.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        Make("test", "-p", fifo); // still a FIFO
        Assert.Single(Directory.GetFileSystemEntries(dir.Path), e => Path.GetFileName(e) != "s.txt");
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void A_replaced_report_keeps_its_permissions_and_a_read_only_one_is_refused()
    {
        // A report of people's addresses made private stays private when it is written again.
        File.WriteAllText(dir.Combine("private.txt"), "old");
        File.SetUnixFileMode(dir.Combine("private.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var result = KashikaProcess.Run(dir.Path, "trace", "collapse", "-o", "private.txt", "s.txt");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("java;main 1\n", File.ReadAllText(dir.Combine("private.txt")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.Combine("private.txt")));

        // Root rewriting a user's report leaves it the user's.
        if (Environment.UserName == "root")
        {
            Make("chown", "nobody:nogroup", dir.Combine("private.txt"));
            var again = KashikaProcess.Run(dir.Path, "trace", "collapse", "-o", "private.txt", "s.txt");
            Assert.True(again.ExitCode == 0, again.StandardError);
            Assert.NotEqual(0u, Kashika.Adapters.FileSystem.FileStatus.Of(dir.Combine("private.txt")).Owner); // still nobody's, not root's
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.Combine("private.txt")));
        }

        // A read-only one was made so on purpose: refused, left as it was (root included, who could write it).
        File.WriteAllText(dir.Combine("kept.txt"), "keep me");
        File.SetUnixFileMode(dir.Combine("kept.txt"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var refused = KashikaProcess.Run(dir.Path, "trace", "collapse", "-o", "kept.txt", "s.txt");
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("cannot write kept.txt: it is read-only", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(dir.Combine("kept.txt")));
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        // --force replaces it, and it stays read-only.
        var forced = KashikaProcess.Run(dir.Path, "trace", "collapse", "--force", "-o", "kept.txt", "s.txt");
        Assert.True(forced.ExitCode == 0, forced.StandardError);
        Assert.Equal("java;main 1\n", File.ReadAllText(dir.Combine("kept.txt")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(dir.Combine("kept.txt")));
    }

    private sealed class Text(string name, string content, bool fails = false) : Kashika.Reports.IReportFormat<string>
    {
        public string Name => name;

        public string? DefaultFileName => name;

        public void Write(string model, Stream output)
        {
            output.Write(System.Text.Encoding.UTF8.GetBytes(content + model));
            if (fails)
            {
                throw new IOException("No space left on device");
            }
        }
    }

    [Fact]
    public void A_set_of_files_is_replaced_only_when_every_file_is_written()
    {
        string folder = dir.Combine("set");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "one.txt"), "old one");
        File.WriteAllText(Path.Combine(folder, "two.txt"), "old two");
        var failing = new Kashika.Reports.IReportFormat<string>[] { new Text("one.txt", "new one"), new Text("two.txt", "new two", fails: true) };
        Assert.Throws<Kashika.Reports.OutputException>(() => Kashika.Reports.ReportWriter.WriteSet(failing, "", folder));
        Assert.Equal("old one", File.ReadAllText(Path.Combine(folder, "one.txt"))); // written, but not renamed: the set stays old
        Assert.Equal("old two", File.ReadAllText(Path.Combine(folder, "two.txt")));
        Assert.Equal(["one.txt", "two.txt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var written = Kashika.Reports.ReportWriter.WriteSet([new Text("one.txt", "new one"), new Text("two.txt", "new two")], "!", folder);
        Assert.Equal(2, written.Count);
        Assert.Equal("new one!", File.ReadAllText(Path.Combine(folder, "one.txt")));
        Assert.Equal("new two!", File.ReadAllText(Path.Combine(folder, "two.txt")));
    }

    [Fact]
    public void A_device_node_stays_a_device()
    {
        if (Environment.UserName != "root")
        {
            Requirements.Missing("making a device node (mknod) needs root");
        }

        // A copy of /dev/null and one of /dev/full, made here.
        Make("mknod", dir.Combine("null"), "c", "1", "3");
        Make("mknod", dir.Combine("full"), "c", "1", "7");
        var ok = KashikaProcess.Run(dir.Path, "trace", "collapse", "-o", "null", "s.txt");
        Assert.True(ok.ExitCode == 0, ok.StandardError);
        var full = KashikaProcess.Run(dir.Path, "trace", "collapse", "-o", "full", "s.txt");
        Assert.Equal(4, full.ExitCode);
        Assert.Contains("kashika: error: cannot write full: No space left on device", full.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", full.StandardError, StringComparison.Ordinal);
        foreach (string node in new[] { "null", "full" })
        {
            // Still a character device: stat says so, and it holds nothing.
            Make("test", "-c", dir.Combine(node));
        }

        Assert.Equal(3, Directory.GetFileSystemEntries(dir.Path).Length);
    }

    [Fact]
    public void Dev_stdout_writes_to_standard_output()
    {
        var result = KashikaProcess.Run(dir.Path, "trace", "collapse", "-o", "/dev/stdout", "s.txt");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("java;main 1\n", result.StandardOutput);
        Make("test", "-L", "/dev/stdout");
    }

    [Fact]
    public void A_symbolic_link_keeps_pointing_at_its_file_which_is_replaced()
    {
        Directory.CreateDirectory(dir.Combine("real"));
        File.WriteAllText(dir.Combine("real", "report.folded"), "old\n");
        File.CreateSymbolicLink(dir.Combine("link.folded"), Path.Combine("real", "report.folded"));
        var result = KashikaProcess.Run(dir.Path, "trace", "collapse", "-o", "link.folded", "s.txt");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(Path.Combine("real", "report.folded"), new FileInfo(dir.Combine("link.folded")).LinkTarget);
        Assert.Equal("java;main 1\n", File.ReadAllText(dir.Combine("real", "report.folded")));
        Assert.Single(Directory.GetFiles(dir.Combine("real")));
    }

    [Fact]
    public void A_truncated_or_corrupt_gz_is_an_input_error_naming_the_file()
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 20000; i++)
        {
            text.Append($"java 1 [000] {i}.000000: 1 cpu-clock:\n\t1 f{i % 500} (/usr/bin/java)\n\t1 main (/usr/bin/java)\n\n");
        }

        byte[] gz;
        using (var compressed = new MemoryStream())
        {
            using (var writer = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                writer.Write(System.Text.Encoding.ASCII.GetBytes(text.ToString()));
            }

            gz = compressed.ToArray();
        }

        File.WriteAllBytes(dir.Combine("whole.gz"), gz);
        var whole = KashikaProcess.Run(dir.Path, "trace", "collapse", "whole.gz");
        Assert.True(whole.ExitCode == 0, whole.StandardError);

        File.WriteAllBytes(dir.Combine("cut.gz"), gz[..(gz.Length / 2)]);
        byte[] badCrc = (byte[])gz.Clone();
        badCrc[^6] ^= 1;
        File.WriteAllBytes(dir.Combine("crc.gz"), badCrc);
        foreach (string name in new[] { "cut.gz", "crc.gz" })
        {
            foreach (string threads in new[] { "1", "2" })
            {
                var result = KashikaProcess.Run(dir.Path, "trace", "collapse", "--threads", threads, "-o", "out.folded", name);
                Assert.Equal(3, result.ExitCode);
                Assert.Contains($"kashika: error: {name}: the compressed data is cut short or corrupt", result.StandardError, StringComparison.Ordinal);
                Assert.Equal("", result.StandardOutput);
                Assert.False(File.Exists(dir.Combine("out.folded")));
            }
        }

        // Two gzip members one after the other (cat a.gz b.gz) are one valid stream.
        File.WriteAllBytes(dir.Combine("two.gz"), [.. gz, .. gz]);
        var two = KashikaProcess.Run(dir.Path, "trace", "collapse", "two.gz");
        Assert.Equal(0, two.ExitCode);
        Assert.Contains("java;main;f0 80\n", two.StandardOutput, StringComparison.Ordinal);
    }
}
