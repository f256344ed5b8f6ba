using System.Text;
using Kashika.Core.Trace;

namespace Kashika.Tests.Trace;

public sealed class CollapserTests
{
    private static (string Folded, TraceReader Reader) Collapse(string text, CollapseOptions? options = null) => Collapse(Encoding.UTF8.GetBytes(text), options);

    private static (string Folded, TraceReader Reader) Collapse(byte[] bytes, CollapseOptions? options = null)
    {
        var reader = new TraceReader(options ?? new CollapseOptions());
        reader.Read(new MemoryStream(bytes), "test.txt");
        var profile = reader.Profile();
        var folded = string.Join("\n", profile.Stacks.Select(s => $"{profile.Folded(s)} {s.Count}"));
        return (folded, reader);
    }

    private const string TwoSamples =
        "java 12688/12764 [002] 6544038.708352: 235 cpu-clock:\n"
        + "\tffffffff8103ce3b native_safe_halt ([kernel.kallsyms])\n"
        + "\t7f722d142778 Ljava/io/PrintStream;::print (/tmp/perf-19982.map)\n"
        + "\t7f722d140000 main (/usr/bin/java)\n"
        + "\n"
        + "java 12688/12764 [002] 6544038.718352: 100 cpu-clock:\n"
        + "\t7f722d140000 main (/usr/bin/java)\n";

    [Fact]
    public void Folds_root_first_weighted_by_period_and_keeps_the_last_sample()
    {
        var (folded, reader) = Collapse(TwoSamples);
        Assert.Equal("java;main 100\njava;main;java/io/PrintStream:::print;native_safe_halt 235", folded);
        Assert.Equal(2, reader.Samples);
    }

    [Fact]
    public void Options_name_processes_and_annotate_frames()
    {
        Assert.Equal(
            "java-12688/12764;main 1\njava-12688/12764;main;java/io/PrintStream:::print_[j];native_safe_halt_[k] 1",
            Collapse(TwoSamples, new CollapseOptions(Tid: true, Kernel: true, Jit: true, Weight: SampleWeight.Samples)).Folded);
        Assert.StartsWith("java-12688;main 100", Collapse(TwoSamples, new CollapseOptions(Pid: true)).Folded, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("my thread 7", "my_thread_7-18097/18099")] // pthread_setname_np: words and numbers
    [InlineData("worker 3", "worker_3-18097/18099")]
    [InlineData("a;b 12/34", "a:b_12/34-18097/18099")] // a ';' would split the stack
    [InlineData("x 99 [001]", "x_99_[001]-18097/18099")]
    [InlineData("1234", "1234-18097/18099")]
    public void A_command_name_of_words_and_numbers_keeps_its_numbers_and_the_ids_are_those_before_the_time(string comm, string root)
    {
        foreach (string cpu in new[] { "", " [001]" })
        {
            string text = $"{comm} 18097/18099{cpu} 6544038.708352: 235 cpu-clock:\n\t7f722d140000 main (/usr/bin/prog)\n";
            Assert.Equal($"{root};main 235", Collapse(text, new CollapseOptions(Tid: true)).Folded);
        }
    }

    [Fact]
    public void Samples_with_and_without_a_period_mixed_are_said()
    {
        const string text = "a 1 1.000001: cpu-clock: \n\t 1 f (/x)\n\na 1 1.000004:    7 cpu-clock: \n\t 1 h (/x)\n\n";
        var (folded, reader) = Collapse(text);
        Assert.Equal("a;f 1\na;h 7", folded);
        Assert.Contains(reader.Warnings(), w => w.StartsWith("1 sample has no period on their event line", StringComparison.Ordinal));
        Assert.DoesNotContain(Collapse(TwoSamples).Reader.Warnings(), w => w.Contains("no period", StringComparison.Ordinal));
    }

    [Fact]
    public void Precision_modifiers_do_not_make_another_event_but_other_modifiers_do()
    {
        static string Sample(string e, int period) => $"app 1/1 [000] 1.000000: {period} {e}:\n\t1 main (/bin/app)\n\n";
        string text = Sample("cpu-clock:ppp", 5) + Sample("cpu-clock", 7) + Sample("cpu-clock:u", 11);
        var (folded, reader) = Collapse(text);
        Assert.Equal("app;main 12", folded);
        Assert.Equal(1, reader.SkippedEvents["cpu-clock:u"]); // one sample skipped
        Assert.Equal("app;main 12", Collapse(text, new CollapseOptions(EventFilter: "cpu-clock")).Folded);
        Assert.Equal("app;main 11", Collapse(text, new CollapseOptions(EventFilter: "cpu-clock:u")).Folded);
        Assert.Equal("app;main 1", Collapse(Sample("sched:sched_switch", 1) + Sample("sched:sched_wakeup", 1)).Folded);
    }

    [Fact]
    public void A_command_name_of_six_million_characters_is_a_name_not_a_crash()
    {
        // Found by hostile inputs: the name was made on the stack, sized by the input (SIGSEGV, exit 139).
        string comm = new('x', 6_000_000);
        var (folded, _) = Collapse(TwoSamples + $"\n{comm} 12688/12764 [002] 6544038.708352: 235 cpu-clock:\n\t7f722d140000 main (/usr/bin/java)\n", new CollapseOptions(Tid: true));
        Assert.Contains($"{comm}-12688/12764;main 235", folded, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_of_a_gigabyte_is_an_input_error_not_all_memory()
    {
        // 300 MB without a line's end (a few hundred kilobytes gzipped): not a profile.
        var stream = new RepeatingStream((byte)'a', 300L << 20);
        var reader = new TraceReader(new CollapseOptions());
        var e = Assert.Throws<Kashika.Core.Common.InputException>(() => reader.Read(stream, "huge.txt"));
        Assert.Contains("huge.txt: 256 MiB without the end of a line or sample", e.Message, StringComparison.Ordinal);
    }

    private sealed class RepeatingStream(byte value, long length) : Stream
    {
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - position);
            buffer.AsSpan(offset, n).Fill(value);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData("std::function<int (int, int)>::operator()(int, int) const", "std::function<int (int, int)>::operator()")]
    [InlineData("std::operator<< <std::char_traits<char> >(std::ostream&, char const*)", "std::operator<< <std::char_traits<char> >")]
    [InlineData("(anonymous namespace)::Worker::run(int)", "(anonymous namespace)::Worker::run")]
    [InlineData("net/http.(*Client).Do", "net/http.(*Client).Do")]
    [InlineData("RegExp:[&<>\"']", "RegExp:[&<>]")]
    [InlineData("a;b", "a:b")]
    [InlineData("driver(int)::{lambda(long)#1}::operator()", "driver(int)::{lambda(long)#1}::operator()")] // a lambda, as perf names it
    [InlineData("main::{lambda(long)#2}::operator()(long) const", "main::{lambda(long)#2}::operator()")] // each lambda its own frame
    [InlineData("parse(char const*)::Local::run(int)", "parse(char const*)::Local::run")] // a local class's method
    [InlineData("f(int", "f")] // never closed: an argument list cut short
    [InlineData("[unknown] (/lib/x.so)", "[unknown] ")]
    public void Tidies_names(string raw, string tidy) => Assert.Equal(tidy, FrameNames.Tidy(raw));

    [Fact]
    public void A_deleted_module_gives_a_clean_frame_name()
    {
        // Regression: Perl made "[unknown] " (trailing space) from "(/tmp/app (deleted))".
        var (folded, _) = Collapse("app 1 1.0: 1 cpu-clock:\n\t7f00 [unknown] (/tmp/app (deleted))\n\t7f01 main (/tmp/app (deleted))\n");
        Assert.Equal("app;main;[app] 1", folded);
    }

    [Fact]
    public void Swapper_keeps_pid_zero()
    {
        var (folded, _) = Collapse("swapper     0/0     [003] 7628263.042571: cycles: \n\tffffffff8100 native_safe_halt ([kernel.kallsyms])\n", new CollapseOptions(Tid: true));
        Assert.Equal("swapper-0/0;native_safe_halt 1", folded);
    }

    [Fact]
    public void Several_events_count_the_first_and_name_the_skipped()
    {
        var (folded, reader) = Collapse("ab 1 1.0: 10 cycles:\n\t1 f (/x)\n\nab 1 1.1: 20 instructions:\n\t1 g (/x)\n\nab 1 1.2: 30 instructions:\n\t1 g (/x)\n");
        Assert.Equal("ab;f 10", folded);
        Assert.Equal("cycles", reader.Event);
        Assert.Equal(2, reader.SkippedEvents["instructions"]);
        Assert.Equal("ab;g 50", Collapse("ab 1 1.0: 10 cycles:\n\t1 f (/x)\n\nab 1 1.1: 20 instructions:\n\t1 g (/x)\n\nab 1 1.2: 30 instructions:\n\t1 g (/x)\n", new CollapseOptions(EventFilter: "instructions")).Folded);
    }

    [Fact]
    public void Crlf_input_reads_like_lf()
    {
        Assert.Equal(Collapse(TwoSamples).Folded, Collapse(TwoSamples.Replace("\n", "\r\n", StringComparison.Ordinal)).Folded);
    }

    [Fact]
    public void Tracepoint_lines_with_payload_are_events()
    {
        string text =
            "perf 10 [000] 1.000: sched:sched_switch: prev_comm=perf prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120\n"
            + "\tffffffff81 __schedule+0x1f ([kernel.kallsyms])\n\tffffffff82 schedule ([kernel.kallsyms])\n\n"
            + "perf 10 [000] 1.001: 250000 cpu-clock:\n\tffffffff83 other ([kernel.kallsyms])\n\n";
        var (folded, reader) = Collapse(text);
        Assert.Equal("perf;schedule;__schedule 1", folded);
        Assert.Equal("sched:sched_switch", reader.Event);
        Assert.Equal(0, reader.UnrecognizedLines);
    }

    [Fact]
    public void Frames_on_the_event_line_are_kept()
    {
        var (folded, _) = Collapse(
            "           false 39654 19115.489713:          1 cycles:      ffffffff9b201293 [unknown] ([unknown])\n"
            + "           false 39654 19115.489719:          1 cycles:      7fa68b1f2d84 _dl_start+0x4 (/usr/lib/ld-2.31.so)\n");
        Assert.Equal("false;[unknown] 1\nfalse;_dl_start 1", folded);
    }

    [Fact]
    public void Real_world_frames_inlined_srcline_jit_names_and_paths_with_spaces()
    {
        string text =
            "dotnet 4242/4243 [001] 100.5: 1000000 cpu-clock:\n"
            + "\t            55d0c4f0 square (inlined)\n"
            + "\t            55d0c4f0 main+0x21 (/home/me/my app/bin/a.out)\n"
            + "\t    7f3a1c2b4d10 instance void [System.Private.CoreLib] System.Threading.Thread::StartCallback()[OptimizedTier1] (/tmp/perf-4242.map)\n"
            + "\t    7f3a1c000000 [unknown] (/home/me/my app/lib/libfoo.so)\n\n";
        var (folded, _) = Collapse(text, new CollapseOptions(Jit: true));
        Assert.Equal("dotnet;[libfoo.so];instance void [System.Private.CoreLib] System.Threading.Thread::StartCallback_[j];main;square 1000000", folded);
    }

    [Fact]
    public void Srcline_lines_extend_their_frame()
    {
        string text =
            "a.out 35081 252436.005167:     667783 cycles:\n"
            + "\t408ebb some_method_name+0x8b (/full/path/to/a.out)\n  uniform_int_dist.h:300\n"
            + "\t4069f5 main+0x935 (/full/path/to/a.out)\n  file.cpp:137\n"
            + "\t7f6d2148eb25 __libc_start_main+0xd5 (/lib64/libc-2.33.so)\n  libc-2.33.so[27b25]\n\n";
        Assert.Equal("a.out;__libc_start_main:libc-2.33.so;main:file.cpp:137;some_method_name:uniform_int_dist.h:300 667783",
            Collapse(text, new CollapseOptions(Srcline: true)).Folded);
    }

    [Fact]
    public void Invalid_utf8_and_huge_lines_are_kept_byte_for_byte()
    {
        byte[] name = [0x66, 0xFF, 0xFE, 0x6F];
        string big = new('x', 3_000_000);
        byte[] input = [.. "app 1 1.0: 1 cpu-clock:\n\t1 "u8, .. name, .. " (/x)\n\t2 "u8, .. Encoding.ASCII.GetBytes(big), .. " (/x)\n\n"u8];
        var (folded, _) = Collapse(input);
        Assert.Equal($"app;{big};f\u00FF\u00FEo 1", folded);
    }

    [Fact]
    public void A_one_letter_command_name_is_that_letter()
    {
        // stackcollapse-perf.pl's /^(\S.+?)\s+(\d+)/ needs two characters before the PID: "a 1 1.0: 10 cycles:" was
        // process "a 1 1.0:" with PID 10 (docs/trace-deviations.md, 11). It is process "a", thread 1, as perf recorded it.
        Assert.Equal("a;f 1", Collapse("a 1 1.0: 10 cycles:\n\t1 f (/x)\n\n", new CollapseOptions(Weight: SampleWeight.Samples)).Folded);
        Assert.Equal("a-12/13;f 1", Collapse("a 12/13 1.000000: 10 cycles:\n\t1 f (/x)\n\n", new CollapseOptions(Tid: true, Weight: SampleWeight.Samples)).Folded);
    }

    [Fact]
    public void Unrecognised_lines_are_counted_with_their_line_numbers()
    {
        var (folded, reader) = Collapse("ab 1 1.0: 1 cpu-clock:\n\t1 f (/x)\n??? not a frame\n\n");
        Assert.Equal("ab;f 1", folded);
        Assert.Equal(1, reader.UnrecognizedLines);
        Assert.Equal(("test.txt", 3L, "??? not a frame"), reader.FirstUnrecognized[0]);
    }

    [Fact]
    public void Folded_input_is_summed_and_sorted()
    {
        var (folded, reader) = Collapse("b;c 2\na;b 1\r\nb;c 3\n");
        Assert.True(reader.IsFolded);
        Assert.Equal("a;b 1\nb;c 5", folded);
    }
}
