using System.Globalization;
using System.Text.RegularExpressions;
using Kashika.Testing;

namespace Kashika.Tests.Trace;

/// <summary>
/// kashika's own perf.data reader against perf script, on recordings made here: for every kind of recording the folded
/// stacks of the native reader are byte for byte those of <c>--reader perf --no-inline</c> (with each naming option), and
/// every reason to hand a recording to perf script instead is said.
/// </summary>
[Collection(nameof(SystemWideRecordings))]
public sealed class PerfDataNativeTests(PerfDataNativeTests.Programs programs) : IClassFixture<PerfDataNativeTests.Programs>
{
    /// <summary>The programs recorded: the oracle of <see cref="PerfOracleTests"/> (C, threads), a C++ program (mangled
    /// names, templates, an anonymous namespace, libstdc++), and a program that runs code it wrote into anonymous
    /// memory and names in perf's JIT map (/tmp/perf-PID.map).</summary>
    public sealed class Programs : IDisposable
    {
        private const string Cpp = """
            #include <functional>
            #include <map>
            #include <string>
            #include <vector>
            #include <cstdio>
            namespace { __attribute__((noinline)) long anon(long n) { long s = 0; for (long i = 0; i < n; i++) s += i % 7; return s; } }
            namespace ns {
            template <typename T> struct Box { T v; __attribute__((noinline)) T twice(T x) const { T s{}; for (int i = 0; i < 2000000; i++) s += x; return s; } };
            }
            __attribute__((noinline)) std::string join(const std::vector<std::string>& parts) { std::string r; for (auto& p : parts) r += p; return r; }
            int main() {
              std::map<std::string, int> m; long t = 0;
              for (int r = 0; r < 30; r++) {
                for (int i = 0; i < 20000; i++) m[std::to_string(i)] += i;
                ns::Box<long> b{3}; t += b.twice(r);
                t += anon(3000000);
                std::function<long(long)> f = [&](long x) { return anon(x); }; t += f(1000000);
                std::vector<std::string> v(2000, "ab"); t += join(v).size();
              }
              std::printf("%ld %zu\n", t, m.size());
            }
            """;

        // x86-64: mov rax, rdi; 1: dec rax; jnz 1b; ret — a loop of n turns, written into executable anonymous memory.
        private const string Jit = """
            #include <stdio.h>
            #include <string.h>
            #include <sys/mman.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                (void)argv;
                static const unsigned char code[] = { 0x48, 0x89, 0xf8, 0x48, 0xff, 0xc8, 0x75, 0xfb, 0xc3 };
                unsigned char *p = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                memcpy(p, code, sizeof code);
                char name[64];
                snprintf(name, sizeof name, "/tmp/perf-%d.map", getpid());
                FILE *map = fopen(name, "w");
                if (argc > 1) {
                    /* nested: a block holding stubs, as .NET writes its maps (0x-prefixed); perf's search tree decides */
                    fprintf(map, "0x%lx 1000 stub_block\n", (unsigned long)p);
                    for (int i = 1; i < 40; i++) fprintf(map, "0x%lx 40 stub_%d\n", (unsigned long)p + 64 * i, i);
                    fprintf(map, "0x%lx 20 stub_head\n", (unsigned long)p);
                }
                fprintf(map, "%lx %zx jitted_spin\n", (unsigned long)p, sizeof code);
                fclose(map);
                long (*spin)(long) = (long (*)(long))p;
                long sum = 0;
                for (int i = 0; i < 8; i++) sum += spin(60000000);
                printf("%ld\n", sum);
                return 0;
            }
            """;

        // Time read through the vdso: its frames are named from perf's build-id cache, or not at all (perf script).
        private const string Vdso = """
            #include <stdio.h>
            #include <time.h>
            int main(void) { struct timespec t; long s = 0; for (long i = 0; i < 20000000; i++) { clock_gettime(CLOCK_MONOTONIC, &t); s += t.tv_nsec; } printf("%ld\n", s); return 0; }
            """;

        // Rust: a method in a module, a closure, the standard library's v0-mangled names.
        private const string Rust = """
            #[inline(never)]
            fn spin(n: u64) -> u64 { let mut s = 0u64; for i in 0..n { s = s.wrapping_add(i ^ (s >> 3)); } s }
            mod inner {
                pub struct Worker { pub v: Vec<u64> }
                impl Worker {
                    #[inline(never)]
                    pub fn run(&mut self) -> u64 { let mut t = 0; for _ in 0..30 { self.v.sort_unstable_by(|a, b| b.cmp(a)); t += super::spin(2_000_000); } t }
                }
            }
            fn main() { let mut w = inner::Worker { v: (0..100000).collect() }; println!("{}", w.run()); }
            """;

        public TempDirectory Dir { get; } = new();

        public string? Missing { get; }

        /// <summary>Why the Rust program could not be built (no rustc), when it could not.</summary>
        public string? RustMissing { get; }

        public Programs()
        {
            File.WriteAllText(Dir.Combine("oracle.c"), PerfOracleTests.Program.Source);
            File.WriteAllText(Dir.Combine("cpp.cpp"), Cpp);
            File.WriteAllText(Dir.Combine("jit.c"), Jit);
            File.WriteAllText(Dir.Combine("vdso.c"), Vdso);
            foreach (var (compiler, arguments) in new[]
            {
                ("gcc", new[] { "-O1", "-g", "-fno-omit-frame-pointer", "-pthread", "-o", "oracle", "oracle.c" }),
                ("g++", ["-O1", "-g", "-fno-omit-frame-pointer", "-o", "cpp", "cpp.cpp"]),
                ("gcc", ["-O1", "-o", "jit", "jit.c"]),
                ("gcc", ["-O1", "-fno-omit-frame-pointer", "-o", "vdso", "vdso.c"]),
            })
            {
                var cc = ExternalTool.Run(Dir.Path, compiler, arguments);
                if (cc is not { ExitCode: 0 })
                {
                    Missing = $"no compiler to build the test programs ({cc?.Error.Trim() ?? $"{compiler} is not installed"})";
                    return;
                }
            }

            File.WriteAllText(Dir.Combine("rs.rs"), Rust);
            var rustc = ExternalTool.Run(Dir.Path, "rustc", "-O", "-g", "-C", "force-frame-pointers=yes", "-o", "rs", "rs.rs");
            RustMissing = rustc is { ExitCode: 0 } ? null : $"no Rust compiler to build the Rust program ({rustc?.Error.Trim() ?? "rustc is not installed"})";

            var probe = ExternalTool.Run(Dir.Path, "perf", "record", "-e", "cpu-clock", "-o", "probe.data", "--", "true");
            if (probe is not { ExitCode: 0 })
            {
                Missing = $"perf cannot record here ({probe?.Error.Trim() ?? "perf is not installed"})";
            }
        }

        public void Dispose() => Dir.Dispose();
    }

    public static TheoryData<string> Kinds() =>
        ["cpu-clock", "no-call-graph", "task-clock", "page-faults", "tracepoint", "tracepoint-g", "mixed", "two-processes", "system-wide", "cpp", "rust", "jit", "jit-nested",
            "compressed", "compressed-system-wide", "pipe", "pipe-mixed", "vdso", "vdso-compressed", "per-thread"];

    private static (string[] Record, string[] Command) Recipe(string kind) => kind switch
    {
        "cpu-clock" => (["-e", "cpu-clock", "-F", "2000", "-g"], ["./oracle"]),
        "no-call-graph" => (["-e", "cpu-clock", "-F", "2000"], ["./oracle"]),
        "task-clock" => (["-e", "task-clock", "-F", "2000", "-g"], ["./oracle"]),
        "page-faults" => (["-e", "page-faults", "-g"], ["./oracle"]),
        "tracepoint" => (["-e", "sched:sched_switch"], ["./oracle"]),
        "tracepoint-g" => (["-e", "sched:sched_switch", "-g"], ["./oracle"]),
        "mixed" => (["-e", "cpu-clock", "-e", "page-faults", "-g"], ["./oracle"]),
        "two-processes" => (["-e", "cpu-clock", "-F", "2000", "-g"], ["sh", "-c", "./oracle & ./oracle; wait"]),
        "system-wide" => (["-a", "-e", "cpu-clock", "-F", "1000", "-g"], ["sh", "-c", "./oracle & ./cpp > /dev/null; wait"]),
        "cpp" => (["-e", "cpu-clock", "-F", "2000", "-g"], ["./cpp"]),
        "rust" => (["-e", "cpu-clock", "-F", "2000", "-g"], ["./rs"]),
        "jit" => (["-e", "cpu-clock", "-F", "2000", "-g"], ["./jit"]),
        "jit-nested" => (["-e", "cpu-clock", "-F", "2000", "-g"], ["./jit", "nested"]),
        "compressed" => (["-z", "-e", "cpu-clock", "-F", "2000", "-g"], ["./oracle"]),
        "compressed-system-wide" => (["-z", "-a", "-e", "cpu-clock", "-F", "1000", "-g"], ["sh", "-c", "./oracle & ./cpp > /dev/null; wait"]),
        "pipe" => (["-e", "cpu-clock", "-F", "2000", "-g"], ["./cpp"]),
        "pipe-mixed" => (["-e", "cpu-clock", "-e", "page-faults", "-g"], ["./oracle"]),
        "vdso" => (["-e", "cpu-clock", "-F", "2000", "-g"], ["./vdso"]),
        "vdso-compressed" => (["-z", "-e", "cpu-clock", "-F", "2000", "-g"], ["./vdso"]),
        "dwarf" => (["-e", "cpu-clock", "-F", "500", "--call-graph", "dwarf"], ["./oracle"]),
        "group-read" => (["-e", "{cpu-clock,page-faults}:S", "-g"], ["./oracle"]),
        "pipe-tracepoint" => (["-e", "sched:sched_switch", "-a"], ["./oracle"]),
        // No times in the samples (perf record --per-thread): played as written, so a sample before the exec is sh's.
        "per-thread" => (["--per-thread", "-e", "page-faults", "-g"], ["sh", "-c", "ls > /dev/null; exec ./oracle"]),
        "lossy" => (["-a", "-e", "cpu-clock", "-F", "20000", "-g", "-m", "1"], ["sh", "-c", "./oracle & ./cpp > /dev/null; wait"]),
        _ => throw new ArgumentException(kind),
    };

    private string Record(string kind)
    {
        if (programs.Missing is { } missing)
        {
            Requirements.Missing(missing);
        }

        if (kind == "rust" && programs.RustMissing is { } noRust)
        {
            Requirements.Missing(noRust);
        }

        string data = $"{kind}.data";
        if (!File.Exists(programs.Dir.Combine(data)))
        {
            var (record, command) = Recipe(kind);
            // Pipe mode (perf record -o -): what perf writes to a pipe, kept in a file.
            var run = kind.StartsWith("pipe", StringComparison.Ordinal)
                ? ExternalTool.Run(programs.Dir.Path, "sh", "-c", $"perf record {string.Join(' ', record)} -o - -- {string.Join(' ', command)} > {data}.tmp")
                : ExternalTool.Run(programs.Dir.Path, "perf", ["record", .. record, "-o", data + ".tmp", "--", .. command]);
            Assert.True(run is { ExitCode: 0 }, run?.Error);
            File.Move(programs.Dir.Combine(data + ".tmp"), programs.Dir.Combine(data));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Folded_stacks_are_byte_for_byte_those_of_perf_script(string kind)
    {
        string data = Record(kind);
        foreach (string[] options in new[] { Array.Empty<string>(), ["--tid", "--all"], ["--addrs", "--pid"], ["--event", "page-faults"] })
        {
            if (options is ["--event", ..] && !kind.Contains("mixed", StringComparison.Ordinal))
            {
                continue;
            }

            var native = KashikaProcess.Run(programs.Dir.Path, ["trace", "collapse", "-v", data, .. options]);
            Assert.True(native.ExitCode == 0, native.StandardError);
            Assert.Contains("read by kashika's own perf.data reader", native.StandardError, StringComparison.Ordinal);
            var perf = KashikaProcess.Run(programs.Dir.Path, ["trace", "collapse", "--reader", "perf", "--no-inline", data, .. options]);
            Assert.True(perf.ExitCode == 0, perf.StandardError);
            Assert.NotEmpty(perf.StandardOutput);
            Assert.True(perf.StandardOutput == native.StandardOutput, $"{kind} {string.Join(' ', options)}:\n{FirstDifference(perf.StandardOutput, native.StandardOutput)}");
        }
    }

    /// <summary>Samples lost while recording (a small buffer, every CPU at 20 kHz) are counted as perf report counts
    /// them: its LOST_SAMPLES records, not those and the LOST records that counted the same samples before them.</summary>
    [Fact]
    public void Lost_samples_are_counted_as_perf_report_counts_them()
    {
        string data = Record("lossy");
        var report = ExternalTool.Run(programs.Dir.Path, "perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "comm");
        Assert.True(report is { ExitCode: 0 }, report?.Error);
        var total = Regex.Match(report!.Value.Output, @"# Total Lost Samples: (\d+)");
        long perf = total.Success ? long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var native = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", data);
        Assert.True(native.ExitCode == 0, native.StandardError);
        var said = Regex.Match(native.StandardError, @"([0-9,]+) samples were lost while recording");
        Assert.Equal(perf, said.Success ? long.Parse(said.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : 0);
    }

    /// <summary>The kernel writes -1 as a sample's pid or tid when its task is already gone (an exiting process in a
    /// system-wide recording, seen on a busy CI machine); a recording is made so here, deterministically.</summary>
    [Fact]
    public void Samples_of_tasks_already_gone_fold_as_perf_script_folds_them()
    {
        byte[] bytes = File.ReadAllBytes(programs.Dir.Combine(Record("cpu-clock")));
        ulong sampleType;
        using (var stream = new MemoryStream(bytes))
        {
            sampleType = Kashika.Adapters.Trace.PerfData.PerfDataFile.Open(stream, "x.data").Events[0].SampleType;
        }

        // PERF_SAMPLE_IDENTIFIER, then IP, come before TID.
        int tidAt = 8 + ((sampleType & (1UL << 16)) != 0 ? 8 : 0) + ((sampleType & 1) != 0 ? 8 : 0);
        long at = BitConverter.ToInt64(bytes, 40), end = at + BitConverter.ToInt64(bytes, 48);
        int patched = 0;
        for (; at < end && patched < 40; at += BitConverter.ToUInt16(bytes, (int)at + 6))
        {
            if (BitConverter.ToUInt32(bytes, (int)at) == Kashika.Adapters.Trace.PerfData.PerfDataFile.RecordSample)
            {
                // Every other sample: the whole process gone (-1/-1), or only its thread (pid/-1).
                if (patched % 2 == 0)
                {
                    BitConverter.GetBytes(-1).CopyTo(bytes, (int)at + tidAt);
                }

                BitConverter.GetBytes(-1).CopyTo(bytes, (int)at + tidAt + 4);
                patched++;
            }
        }

        Assert.Equal(40, patched);
        File.WriteAllBytes(programs.Dir.Combine("gone.data"), bytes);
        foreach (string[] options in new[] { Array.Empty<string>(), ["--tid", "--all"], ["--pid"] })
        {
            var native = KashikaProcess.Run(programs.Dir.Path, ["trace", "collapse", "gone.data", .. options]);
            Assert.True(native.ExitCode == 0, native.StandardError);
            var perf = KashikaProcess.Run(programs.Dir.Path, ["trace", "collapse", "--reader", "perf", "--no-inline", "gone.data", .. options]);
            Assert.True(perf.ExitCode == 0, perf.StandardError);
            Assert.True(perf.StandardOutput == native.StandardOutput, $"{string.Join(' ', options)}:\n{FirstDifference(perf.StandardOutput, native.StandardOutput)}");
            if (options is ["--tid", ..])
            {
                Assert.Contains("/-1;", native.StandardOutput, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_pipe_mode_recording_is_read_from_standard_input()
    {
        string data = Record("pipe");
        var perf = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", "--reader", "perf", "--no-inline", data);
        Assert.True(perf.ExitCode == 0, perf.StandardError);
        // HOME as KashikaProcess sets it, so both find the same build-id cache (none).
        var piped = ExternalTool.Run(programs.Dir.Path, "sh", "-c", $"HOME=. dotnet {Paths.CliDll} trace collapse -v - < {data}");
        Assert.True(piped is { ExitCode: 0 }, piped?.Error);
        Assert.Contains("<stdin>: read by kashika's own perf.data reader", piped!.Value.Error, StringComparison.Ordinal);
        Assert.Equal(perf.StandardOutput, piped.Value.Output);

        // A file-mode recording cannot be read from a pipe (perf seeks in it): said, with what to do.
        var file = ExternalTool.Run(programs.Dir.Path, "sh", "-c", $"HOME=. dotnet {Paths.CliDll} trace collapse - < {Record("cpu-clock")}");
        Assert.Equal(3, file!.Value.ExitCode);
        Assert.Contains("a perf.data file on standard input: give its name", file.Value.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_recordings_are_errors_naming_the_file_never_a_crash_or_a_smaller_profile()
    {
        foreach (string kind in new[] { "cpu-clock", "compressed", "pipe" })
        {
            string data = Record(kind);
            byte[] whole = File.ReadAllBytes(programs.Dir.Combine(data));
            var random = new Random(27);
            for (int i = 0; i < 12; i++)
            {
                byte[] bytes = i < 4 ? whole[..(whole.Length * (i + 1) / 5)] : (byte[])whole.Clone();
                for (int flips = i < 4 ? 0 : 1 + (i % 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 + random.Next(255));
                }

                string damaged = $"damaged-{kind}-{i}.data";
                File.WriteAllBytes(programs.Dir.Combine(damaged), bytes);
                var run = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", damaged);
                Assert.True(run.ExitCode is 0 or 3, $"{damaged}: exit {run.ExitCode}: {run.StandardError}");
                Assert.DoesNotContain("internal error", run.StandardError, StringComparison.Ordinal);
                if (run.ExitCode == 3)
                {
                    Assert.Contains(damaged, run.StandardError, StringComparison.Ordinal);
                }
                else if (i < 4 && kind != "pipe")
                {
                    Assert.Fail($"{damaged}: a file-mode recording cut to {bytes.Length} of {whole.Length} bytes was read as whole");
                }
            }
        }
    }

    [Fact]
    public void Trace_record_records_a_command_and_writes_its_page()
    {
        if (programs.Missing is { } missing)
        {
            Requirements.Missing(missing);
        }

        var run = KashikaProcess.Run(programs.Dir.Path, "trace", "record", "-v", "-o", "recorded.html", "--keep", "recorded.data", "--", "./oracle");
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("recorded.data: read by kashika's own perf.data reader", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("recorded.html (", run.StandardError, StringComparison.Ordinal);
        string page = File.ReadAllText(programs.Dir.Combine("recorded.html"));
        Assert.Contains("spin_a", page, StringComparison.Ordinal);
        Assert.Contains("worker-1", page, StringComparison.Ordinal);

        // What was kept is what the page shows: the same stacks as collapsing it.
        var folded = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", "recorded.data");
        Assert.Contains(";spin_a ", folded.StandardOutput, StringComparison.Ordinal);

        // Off-CPU: where the threads waited (asleep in nanosleep), from sched_switch on every CPU.
        var offCpu = KashikaProcess.Run(programs.Dir.Path, "trace", "record", "--off-cpu", "-o", "waits.html", "--", "./oracle");
        Assert.True(offCpu.ExitCode == 0, offCpu.StandardError);
        Assert.Contains("[off-CPU S: sleeping]", File.ReadAllText(programs.Dir.Combine("waits.html")), StringComparison.Ordinal);

        // No command: a usage error that says what to give.
        var none = KashikaProcess.Run(programs.Dir.Path, "trace", "record");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("give the command after '--'", none.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Frames_in_code_the_kernel_compiled_are_said_not_guessed()
    {
        // A pipe-mode recording is a stream of records: a KSYMBOL record (a BPF program) is added, then a copy of a
        // sample whose kernel frame is moved into that program. No BPF program could be recorded here to compare with perf.
        byte[] whole = File.ReadAllBytes(programs.Dir.Combine(Record("pipe")));
        var records = new List<byte[]>();
        byte[]? sample = null;
        for (int at = 16; at + 8 <= whole.Length;)
        {
            int size = BitConverter.ToUInt16(whole, at + 6);
            var record = whole[at..(at + size)];
            records.Add(record);
            if (sample is null && BitConverter.ToUInt32(record, 0) == 9)
            {
                for (int i = 8; i + 16 <= record.Length; i += 8)
                {
                    if (BitConverter.ToUInt64(record, i) == unchecked((ulong)-128L) && BitConverter.ToUInt64(record, i + 8) >= 0xffff800000000000UL)
                    {
                        sample = (byte[])record.Clone();
                        BitConverter.GetBytes(0xffffffffc0123456UL).CopyTo(sample, i + 8);
                        break;
                    }
                }
            }

            at += size;
        }

        Assert.NotNull(sample);
        byte[] name = [.. "bpf_prog_test"u8, 0, 0, 0];
        var ksymbol = new List<byte>();
        ksymbol.AddRange(BitConverter.GetBytes(17u));
        ksymbol.AddRange(BitConverter.GetBytes((ushort)0));
        ksymbol.AddRange(BitConverter.GetBytes((ushort)(8 + 8 + 4 + 2 + 2 + name.Length)));
        ksymbol.AddRange(BitConverter.GetBytes(0xffffffffc0123000UL));
        ksymbol.AddRange(BitConverter.GetBytes(0x1000u));
        ksymbol.AddRange(BitConverter.GetBytes((ushort)1)); // PERF_RECORD_KSYMBOL_TYPE_BPF
        ksymbol.AddRange(BitConverter.GetBytes((ushort)0));
        ksymbol.AddRange(name);
        File.WriteAllBytes(programs.Dir.Combine("bpf.data"), [.. whole[..16], .. records.SelectMany(r => r), .. ksymbol, .. sample!]);

        var run = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", "bpf.data");
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Matches(@"[0-9,]+ kernel frames are in code the kernel compiled while recording \(BPF programs; 1 KSYMBOL records\)", run.StandardError);
        Assert.Contains("read with --reader perf to name them", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_binary_is_warned_about_and_its_frames_are_named_by_module()
    {
        string data = Record("cpu-clock");
        var intact = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", data);
        Assert.Contains(";spin_a", intact.StandardOutput, StringComparison.Ordinal);
        try
        {
            // .symtab's header made to point past the file's end: its build id still matches, its symbols cannot be read.
            File.Copy(programs.Dir.Combine("oracle"), programs.Dir.Combine("oracle.intact"), overwrite: true);
            byte[] elf = File.ReadAllBytes(programs.Dir.Combine("oracle"));
            long headers = BitConverter.ToInt64(elf, 40);
            int size = BitConverter.ToUInt16(elf, 58), count = BitConverter.ToUInt16(elf, 60);
            int symtab = Enumerable.Range(0, count).Select(i => (int)headers + (i * size)).Single(at => BitConverter.ToUInt32(elf, at + 4) == 2);
            BitConverter.TryWriteBytes(elf.AsSpan(symtab + 24), (long)elf.Length - 8);
            File.WriteAllBytes(programs.Dir.Combine("oracle"), elf);

            var run = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", data);
            Assert.True(run.ExitCode == 0, run.StandardError);
            Assert.Contains("/oracle: a damaged ELF file (.symtab", run.StandardError, StringComparison.Ordinal);
            Assert.Contains("its frames are named by their module only", run.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain(";spin_a", run.StandardOutput, StringComparison.Ordinal);
            Assert.Contains(";[oracle]", run.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Move(programs.Dir.Combine("oracle.intact"), programs.Dir.Combine("oracle"), overwrite: true);
        }
    }

    [Theory]
    [InlineData("cpu-clock")]
    [InlineData("mixed")]
    [InlineData("tracepoint-g")]
    [InlineData("system-wide")]
    public void Perf_script_in_time_slices_on_several_cores_folds_what_one_perf_script_does(string kind)
    {
        string data = Record(kind);
        foreach (string[] options in new[] { Array.Empty<string>(), kind == "mixed" ? ["--tid", "--event", "page-faults"] : ["--tid"] })
        {
            var one = KashikaProcess.Run(programs.Dir.Path, ["trace", "collapse", "-v", "--reader", "perf", "--threads", "1", data, .. options]);
            Assert.True(one.ExitCode == 0, one.StandardError);
            Assert.DoesNotContain("slice", one.StandardError, StringComparison.Ordinal);
            var sliced = KashikaProcess.Run(programs.Dir.Path, ["trace", "collapse", "-v", "--reader", "perf", "--threads", "4", data, .. options]);
            Assert.True(sliced.ExitCode == 0, sliced.StandardError);
            Assert.Contains("(4 perf script processes at once, each a slice of the recording's time)", sliced.StandardError, StringComparison.Ordinal);
            Assert.Equal(one.StandardOutput, sliced.StandardOutput);
            Assert.Equal(one.StandardError, sliced.StandardError.Replace(" (4 perf script processes at once, each a slice of the recording's time)", "", StringComparison.Ordinal));
        }

        // Off-CPU time pairs switches across the whole recording: one perf script.
        var offCpu = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", "-v", "--off-cpu", "--threads", "4", Record("tracepoint-g"));
        Assert.DoesNotContain("slice", offCpu.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_vdso_is_named_as_perf_names_it_from_its_cache_or_without_one()
    {
        string data = Record("vdso");
        // Without perf's cache (an empty home: the test folder's may hold one, from kashika trace record) perf script
        // leaves the vdso's frames unnamed, with a build id recorded; -z records none, and then perf names them from its
        // own process's vdso. Each reader alike.
        using var empty = new TempDirectory();
        var bare = new Dictionary<string, string> { ["HOME"] = empty.Path };
        foreach (var (kind, frame) in new[] { ("vdso", ";[[vdso]]"), ("vdso-compressed", ";__vdso_clock_gettime") })
        {
            var native = KashikaProcess.Run(programs.Dir.Path, bare, "trace", "collapse", Record(kind));
            var perf = KashikaProcess.Run(programs.Dir.Path, bare, "trace", "collapse", "--reader", "perf", "--no-inline", Record(kind));
            Assert.Contains(frame, native.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(perf.StandardOutput, native.StandardOutput);
        }

        // With the cache perf record keeps in the home of whoever recorded: named, by both.
        using var home = new TempDirectory();
        var record = ExternalTool.Run(programs.Dir.Path, "sh", "-c", $"HOME={home.Path} perf record -e cpu-clock -F 2000 -g -o {home.Combine("cached.data")} -- ./vdso");
        Assert.True(record is { ExitCode: 0 }, record?.Error);
        var environment = new Dictionary<string, string> { ["HOME"] = home.Path };
        var cachedNative = KashikaProcess.Run(programs.Dir.Path, environment, "trace", "collapse", home.Combine("cached.data"));
        var cachedPerf = KashikaProcess.Run(programs.Dir.Path, environment, "trace", "collapse", "--reader", "perf", "--no-inline", home.Combine("cached.data"));
        Assert.True(cachedNative.ExitCode == 0 && cachedPerf.ExitCode == 0, cachedNative.StandardError + cachedPerf.StandardError);
        Assert.Contains(";__vdso_clock_gettime", cachedNative.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(cachedPerf.StandardOutput, cachedNative.StandardOutput);
    }

    [Fact]
    public void A_perf_archive_names_what_this_machine_no_longer_has()
    {
        if (programs.Missing is { } missing)
        {
            Requirements.Missing(missing);
        }

        // Recorded where perf keeps its cache in home/.debug, packed by perf archive; then the program and the cache are
        // gone, as on a machine the recording was sent to.
        using var machine = new TempDirectory();
        Directory.CreateDirectory(machine.Combine("home"));
        File.Copy(programs.Dir.Combine("oracle"), machine.Combine("sent"));
        var record = ExternalTool.Run(machine.Path, "sh", "-c", "HOME=$PWD/home perf record -e cpu-clock -F 2000 -g -o sent.data -- ./sent && HOME=$PWD/home perf archive sent.data");
        Assert.True(record is { ExitCode: 0 }, record?.Error);
        Assert.True(File.Exists(machine.Combine("sent.data.tar.bz2")), record!.Value.Output);
        Directory.Delete(machine.Combine("home", ".debug"), recursive: true);
        File.Delete(machine.Combine("sent"));

        var without = KashikaProcess.Run(machine.Path, "trace", "collapse", "sent.data");
        Assert.DoesNotContain(";spin_a", without.StandardOutput, StringComparison.Ordinal);
        var native = KashikaProcess.Run(machine.Path, "trace", "collapse", "--archive", "sent.data.tar.bz2", "sent.data");
        Assert.True(native.ExitCode == 0, native.StandardError);
        Assert.Contains(";spin_a", native.StandardOutput, StringComparison.Ordinal);
        var perf = KashikaProcess.Run(machine.Path, "trace", "collapse", "--reader", "perf", "--no-inline", "--archive", "sent.data.tar.bz2", "sent.data");
        Assert.True(perf.ExitCode == 0, perf.StandardError);
        Assert.Equal(perf.StandardOutput, native.StandardOutput);

        File.WriteAllBytes(machine.Combine("cut.tar.bz2"), File.ReadAllBytes(machine.Combine("sent.data.tar.bz2"))[..2000]);
        var cut = KashikaProcess.Run(machine.Path, "trace", "collapse", "--archive", "cut.tar.bz2", "sent.data");
        Assert.Equal(3, cut.ExitCode);
        Assert.Contains("cut.tar.bz2: not a whole perf archive", cut.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_come_out_as_perf_prints_them()
    {
        string cpp = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", Record("cpp")).StandardOutput;
        Assert.Contains(";ns::Box<long>::twice ", cpp, StringComparison.Ordinal);
        Assert.Contains(";(anonymous namespace)::anon", cpp, StringComparison.Ordinal);
        Assert.DoesNotContain(";_Z", cpp, StringComparison.Ordinal);
        if (programs.RustMissing is null)
        {
            string rust = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", Record("rust")).StandardOutput;
            Assert.Contains(";std::rt::lang_start_internal;", rust, StringComparison.Ordinal);
            Assert.Contains(";rs::inner::Worker::run", rust, StringComparison.Ordinal);
            Assert.DoesNotContain(";_R", rust, StringComparison.Ordinal);
        }

        string jit = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", "--jit", Record("jit")).StandardOutput;
        Assert.Contains(";jitted_spin_[j] ", jit, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_native_reader_does_not_read_goes_to_perf_script_and_says_why()
    {
        string data = Record("cpu-clock");
        foreach (var (options, reason) in new (string[], string)[]
        {
            (["--reader", "perf"], "read by perf script: --reader perf"),
            (["--srcline"], "read by perf script: --srcline"),
            (["--perf-arg=--max-stack=20"], "read by perf script: --perf-arg"),
        })
        {
            var run = KashikaProcess.Run(programs.Dir.Path, ["trace", "collapse", "-v", data, .. options]);
            Assert.True(run.ExitCode == 0, run.StandardError);
            Assert.Contains(reason, run.StandardError, StringComparison.Ordinal);
        }

        var dwarf = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", "-v", Record("dwarf"));
        Assert.True(dwarf.ExitCode == 0, dwarf.StandardError);
        Assert.Contains("read by perf script: its call graphs are copies of the stack (--call-graph dwarf)", dwarf.StandardError, StringComparison.Ordinal);
        Assert.Contains(";spin_a ", dwarf.StandardOutput, StringComparison.Ordinal);

        // Group sampling (:S) puts counter values in samples.
        var group = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", "-v", Record("group-read"));
        Assert.True(group.ExitCode == 0, group.StandardError);
        Assert.Contains("read by perf script: its samples carry counter values", group.StandardError, StringComparison.Ordinal);

        // Off-CPU reads sched_switch's fields.
        var offCpu = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", "-v", "--off-cpu", Record("pipe-tracepoint"));
        Assert.Contains("read by perf script: --off-cpu reads sched_switch's fields", offCpu.StandardError, StringComparison.Ordinal);

        // A pipe of tracepoints: from a file perf script reads it; from standard input nothing can, and that is said.
        string tracepoints = Record("pipe-tracepoint");
        var fromFile = KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", "-v", tracepoints);
        Assert.True(fromFile.ExitCode == 0, fromFile.StandardError);
        Assert.Contains("read by perf script: a pipe-mode recording of tracepoints", fromFile.StandardError, StringComparison.Ordinal);
        var fromPipe = ExternalTool.Run(programs.Dir.Path, "sh", "-c", $"HOME=. dotnet {Paths.CliDll} trace collapse - < {tracepoints}");
        Assert.Equal(3, fromPipe!.Value.ExitCode);
        Assert.Contains("perf script cannot read it from standard input here; write it to a file first", fromPipe.Value.Error, StringComparison.Ordinal);

        // Without -v, nothing is said of it.
        Assert.DoesNotContain("read by", KashikaProcess.Run(programs.Dir.Path, "trace", "collapse", data).StandardError, StringComparison.Ordinal);
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string x = i < e.Length ? e[i] : "(end)", y = i < a.Length ? a[i] : "(end)";
            if (x != y)
            {
                return $"line {i + 1}:\nperf:   {x}\nnative: {y}";
            }
        }

        return "(same)";
    }
}

/// <summary>Tests that record every CPU (perf record -a) and measure times from it: run alone, on a quiet machine, so
/// neither loses events to the other's load nor counts it (an off-CPU test lost a 100 ms sleep when both ran at once).</summary>
[CollectionDefinition(nameof(SystemWideRecordings), DisableParallelization = true)]
public sealed class SystemWideRecordings;
