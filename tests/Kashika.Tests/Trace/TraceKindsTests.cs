using System.IO.Compression;
using System.Text;
using Kashika.Core.Trace;
using Kashika.Testing;

namespace Kashika.Tests.Trace;

/// <summary>How an input's kind is decided (by content, in one place) and what each kind not read says.</summary>
public sealed class TraceKindsTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static TraceInputKind Kind(byte[] bytes) => TraceInputKinds.Detect(bytes, whole: true);

    [Fact]
    public void Each_kind_is_told_by_its_content()
    {
        Assert.Equal(TraceInputKind.PerfScript, Kind("\n\n\napp 1/1 [000] 1.0: 1 cpu-clock:\n\t1 main (/bin/app)\n"u8.ToArray()));
        Assert.Equal(TraceInputKind.PerfScript, Kind("\n\napp 1 1.0: cycles:\n"u8.ToArray()));
        Assert.Equal(TraceInputKind.Folded, Kind("# comment\nmain;a 12\n"u8.ToArray()));
        Assert.Equal(TraceInputKind.Empty, Kind("\n# only comments\n\n"u8.ToArray()));
        Assert.Equal(TraceInputKind.Empty, Kind([]));
        Assert.Equal(TraceInputKind.Gzip, Kind([0x1f, 0x8b, 8, 0]));
        Assert.Equal(TraceInputKind.PerfData, Kind("PERFILE2\0\0\0\0"u8.ToArray()));
        Assert.Equal(TraceInputKind.LegacyPprof, Kind("heap profile:   10:  1024 [  20:  2048] @ heapprofile\n"u8.ToArray()));
        Assert.Equal(TraceInputKind.LegacyPprof, Kind("--- symbol\nbinary=/bin/x\n"u8.ToArray()));
        Assert.Equal(TraceInputKind.LegacyPprof, Kind([0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x27, 0, 0, 0, 0, 0, 0]));
        Assert.Equal(TraceInputKind.Unknown, Kind([0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0]));
        // A perf script with a hostile thread name holding terminal escapes is still text.
        Assert.Equal(TraceInputKind.PerfScript, Kind("a\u001b]0;x\u0007b 1/1 [000] 1.0: 1 cpu-clock:\n\t1 main (/bin/app)\n"u8.ToArray()));
    }

    [Fact]
    public void Kashikas_own_pprof_reads_back_whatever_its_first_sample_holds()
    {
        // A first sample of 130 frames is a sample field longer than 127 bytes: its length takes two bytes.
        string deep = string.Join(';', Enumerable.Range(0, 130).Select(i => $"f{i}"));
        File.WriteAllText(dir.Combine("deep.folded"), $"{deep} 7\nmain;g 3\n");
        KashikaProcess.Succeed(dir.Path, "trace", "collapse", "deep.folded", "--format", "pprof", "-o", "deep.pb.gz");
        using (var gzip = new GZipStream(File.OpenRead(dir.Combine("deep.pb.gz")), CompressionMode.Decompress))
        using (var plain = File.Create(dir.Combine("deep.pb")))
        {
            gzip.CopyTo(plain);
        }

        foreach (string file in new[] { "deep.pb.gz", "deep.pb" })
        {
            var run = KashikaProcess.Run(dir.Path, "trace", "collapse", file);
            Assert.True(run.ExitCode == 0, run.StandardError);
            Assert.Equal($"{deep} 7\nmain;g 3\n", run.StandardOutput);
        }

        Assert.Equal(TraceInputKind.Pprof, Kind(File.ReadAllBytes(dir.Combine("deep.pb"))));
    }

    [Fact]
    public void Perf_script_starting_with_blank_lines_reads_as_perf_script()
    {
        File.WriteAllText(dir.Combine("blank.txt"), "\n\n\napp 1/1 [000] 1.000000: 1000 cpu-clock:\n\t1 main (/bin/app)\n\n");
        var run = KashikaProcess.Run(dir.Path, "trace", "collapse", "blank.txt");
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Equal("app;main 1000\n", run.StandardOutput);
    }

    [Theory]
    [InlineData("legacy.heap", "heap profile:   1:  1024 [  1:  1024] @ heapprofile\n", "a profile in pprof's legacy format, which kashika does not read; convert it with 'go tool pprof -proto legacy.heap > profile.pb.gz'")]
    [InlineData("readme.txt", "Kashika\n=======\n\nA toolkit.\nSee docs.\n", "lines are not perf script")]
    [InlineData("words.txt", "hello world 12\nthis is text\nnot a profile\n", "lines are not folded stacks")]
    public void Inputs_that_are_no_profile_are_errors_not_small_profiles(string name, string content, string message)
    {
        File.WriteAllText(dir.Combine(name), content);
        var run = KashikaProcess.Run(dir.Path, "trace", "collapse", name);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"kashika: error: {name}: ", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(message, run.StandardError, StringComparison.Ordinal);
        Assert.Equal("", run.StandardOutput);
    }

    [Fact]
    public void A_binary_file_is_not_a_trace_input()
    {
        File.WriteAllBytes(dir.Combine("x.bin"), [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0]);
        var run = KashikaProcess.Run(dir.Path, "trace", "collapse", "x.bin");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("x.bin: not a trace input", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_modules_and_versioned_kernel_images_are_kernel_frames()
    {
        foreach (string module in new[] { "[kernel.kallsyms]", "[nf_conntrack]", "/usr/lib/debug/boot/vmlinux-5.4.0-42-generic", "vmlinux", "/lib/modules/6.1.0/kernel/fs/ext4/ext4.ko", "/lib/modules/6.1.0/kernel/drivers/x.ko.xz" })
        {
            Assert.True(FrameNames.IsKernelModule(module), module);
        }

        foreach (string module in new[] { "[vdso]", "[unknown]", "[heap]", "/usr/bin/bash", "/usr/lib/libkoala.so" })
        {
            Assert.False(FrameNames.IsKernelModule(module), module);
        }

        var reader = new TraceReader(new CollapseOptions());
        reader.Read(new MemoryStream(Encoding.Latin1.GetBytes("app 1/1 [000] 1.0: 1 cpu-clock:\n\t1 ext4_read (/lib/modules/6.1.0/kernel/fs/ext4/ext4.ko)\n\t2 main (/bin/app)\n\n")), "x");
        var profile = reader.Profile();
        int ext4 = Enumerable.Range(0, profile.Frames.Count).Single(f => profile.Frames.Text(f) == "ext4_read");
        Assert.Equal(FrameKind.Kernel, profile.Frames.Kind(ext4));
    }

    [Fact]
    public void One_name_in_two_modules_is_two_functions_and_one_folded_line()
    {
        const string Text = "bash 1/1 [000] 1.0: 1 cpu-clock:\n\t1 main (/usr/bin/bash)\n\n"
            + "perl 2/2 [000] 1.1: 1 cpu-clock:\n\t1 main (/usr/bin/perl)\n\n"
            + "perl 2/2 [000] 1.2: 1 cpu-clock:\n\t1 main (/usr/bin/perl)\n\n";
        File.WriteAllText(dir.Combine("mains.txt"), Text);
        var run = KashikaProcess.Run(dir.Path, "trace", "collapse", "mains.txt");
        Assert.Equal("bash;main 1\nperl;main 2\n", run.StandardOutput);
        File.WriteAllText(dir.Combine("same.txt"), Text.Replace("perl 2/2", "bash 1/1", StringComparison.Ordinal));
        Assert.Equal("bash;main 3\n", KashikaProcess.Run(dir.Path, "trace", "collapse", "same.txt").StandardOutput);
        KashikaProcess.Succeed(dir.Path, "trace", "same.txt", "-o", "same.html");
        string page = File.ReadAllText(dir.Combine("same.html"));
        Assert.Contains("\"main [bash]\"", page, StringComparison.Ordinal);
        Assert.Contains("\"main [perl]\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_frames_without_symbols_are_said()
    {
        var reader = new TraceReader(new CollapseOptions());
        reader.Read(new MemoryStream(Encoding.Latin1.GetBytes(
            "app 1/1 [000] 1.0: 1 cpu-clock:\n\tffffffff81000000 [unknown] ([kernel.kallsyms])\n\t1 main (/bin/app)\n\n"
            + "app 1/1 [000] 1.1: 1 cpu-clock:\n\t1 main (/bin/app)\n\n")), "x");
        Assert.Contains("1 of 2 samples have kernel frames perf could not name ([unknown] in the kernel): record as root, or after 'sysctl kernel.kptr_restrict=0'", reader.Warnings());
    }

    [Fact]
    public void What_perf_warns_of_is_kept_and_its_notes_on_fields_are_not()
    {
        const string Stderr = "'trace' not valid for hardware events. Ignoring.\n'trace' not valid for software events. Ignoring.\n"
            + "Warning:\nProcessed 52311 events and lost 7 chunks!\n\nCheck IO/CPU overload!\n\n";
        Assert.Equal(["Processed 52311 events and lost 7 chunks!", "Check IO/CPU overload!"], Kashika.Adapters.Trace.TraceInput.PerfNotes(Stderr));
        Assert.Empty(Kashika.Adapters.Trace.TraceInput.PerfNotes("'trace' not valid for software events. Ignoring.\n"));
    }

    [Fact]
    public void Asking_for_an_event_the_input_does_not_have_says_which_it_has()
    {
        File.WriteAllText(dir.Combine("faults.txt"), "app 1/1 [000] 1.0: 1 page-faults:\n\t1 main (/bin/app)\n\n");
        var run = KashikaProcess.Run(dir.Path, "trace", "collapse", "--event", "cpu-clock", "faults.txt");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("faults.txt: no sample of 'cpu-clock'; the input has 'page-faults' (choose with --event)", run.StandardError, StringComparison.Ordinal);
    }
}
