using System.Globalization;
using System.Text.RegularExpressions;
using Kashika.Adapters.Trace.PerfData;
using Kashika.Core.Common;
using Kashika.Testing;

namespace Kashika.Tests.Trace;

/// <summary>
/// The native perf.data reader (the first part of reading perf.data without <c>perf script</c>): on recordings made
/// here with perf, the samples' pid, tid, time and period, and the kernel addresses of their call chains, equal what
/// <c>perf script</c> prints (as sets: perf script sorts by time; user addresses it prints relative to their mapping,
/// which needs the mmap records, read next); damaged files are input errors naming the byte.
/// </summary>
public sealed partial class PerfDataFileTests(PerfOracleTests.Program program) : IClassFixture<PerfOracleTests.Program>
{
    [Theory]
    [InlineData("cpu-clock", new[] { "-e", "cpu-clock", "-F", "2000", "-g" })]
    [InlineData("page-faults", new[] { "-e", "page-faults", "-g" })]
    [InlineData("mixed", new[] { "-e", "cpu-clock", "-e", "page-faults", "-g" })]
    [InlineData("tracepoint", new[] { "-e", "sched:sched_switch" })]
    [InlineData("system-wide", new[] { "-a", "-e", "cpu-clock", "-F", "1000", "-g" })]
    public void Every_sample_is_what_perf_script_prints(string kind, string[] options)
    {
        string data = Record(kind, options);
        var ours = new List<string>();
        using (var stream = File.OpenRead(program.Dir.Combine(data)))
        {
            var file = PerfDataFile.Open(stream, data);
            file.ReadSamples(s => ours.Add(Line(s.Pid, s.Tid, s.Time, s.Period, s.Callchain.Length > 0 ? s.Callchain.Where(ip => ip < 0xfffffffffffff000UL) : [s.Ip])));
        }

        var script = ExternalTool.Run(program.Dir.Path, "perf", "script", "-i", data, "-F", "pid,tid,time,period,ip", "--ns");
        Assert.True(script is { ExitCode: 0 }, script?.Error);
        // A sample: its line, then (with call chains) an address a line, tab-indented.
        var theirs = new List<string>();
        var lines = script!.Value.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < lines.Length;)
        {
            var head = Head().Match(lines[i++]);
            Assert.True(head.Success, lines[i - 1]);
            var chain = new List<string>();
            if (head.Groups[6].Success)
            {
                chain.Add(head.Groups[6].Value);
            }

            while (i < lines.Length && lines[i].StartsWith('\t'))
            {
                chain.Add(lines[i++].Trim());
            }

            ulong time = ulong.Parse(head.Groups[3].Value, CultureInfo.InvariantCulture) * 1_000_000_000UL + ulong.Parse(head.Groups[4].Value, CultureInfo.InvariantCulture);
            theirs.Add(Line(int.Parse(head.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(head.Groups[2].Value, CultureInfo.InvariantCulture), time,
                ulong.Parse(head.Groups[5].Value, CultureInfo.InvariantCulture), chain.Select(ip => ulong.Parse(ip, NumberStyles.HexNumber, CultureInfo.InvariantCulture))));
        }

        Assert.NotEmpty(theirs);
        Assert.Equal(theirs.Count, ours.Count);
        Assert.Equal(theirs.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));

        // A sample's kernel addresses (perf script prints them as they are).
        static string Line(int pid, int tid, ulong time, ulong period, IEnumerable<ulong> chain) =>
            $"{pid}/{tid} {time} {period}: {string.Join(' ', chain.Where(ip => ip >= 0xffff800000000000UL).Select(ip => ip.ToString("x", CultureInfo.InvariantCulture)))}";
    }

    [Fact]
    public void A_queue_bounded_to_a_few_records_counts_every_sample()
    {
        string data = Record("system-wide", ["-a", "-e", "cpu-clock", "-F", "1000", "-g"]);
        (long Samples, ulong Weight, int Frames) Count(long maxQueued)
        {
            using var stream = File.OpenRead(program.Dir.Combine(data));
            var file = PerfDataFile.Open(stream, data);
            long samples = 0;
            ulong weight = 0;
            int frames = 0;
            new PerfSession(file, new SymbolSource("/nonexistent") { ReadsKernel = false }, maxQueued: maxQueued).Run(s =>
            {
                samples++;
                weight += s.Period;
                frames += s.Frames.Length;
            });
            return (samples, weight, frames);
        }

        var whole = Count(256L << 20);
        Assert.True(whole.Samples > 0);
        Assert.Equal(whole, Count(4096));
    }

    [Fact]
    public void Events_and_their_sample_types_are_read_from_the_header()
    {
        string data = Record("mixed", ["-e", "cpu-clock", "-e", "page-faults", "-g"]);
        using var stream = File.OpenRead(program.Dir.Combine(data));
        var file = PerfDataFile.Open(stream, data);
        Assert.Equal(2, file.Events.Count);
        Assert.Equal([1u, 1u], file.Events.Select(e => e.Type)); // PERF_TYPE_SOFTWARE
        Assert.Equal([0UL, 2UL], file.Events.Select(e => e.Config)); // cpu-clock, page-faults
        Assert.All(file.Events, e => Assert.NotEmpty(e.Ids));
    }

    [Fact]
    public void Damaged_files_are_input_errors_naming_the_byte()
    {
        string data = Record("cpu-clock", ["-e", "cpu-clock", "-F", "2000", "-g"]);
        byte[] whole = File.ReadAllBytes(program.Dir.Combine(data));
        using var dir = new TempDirectory();
        string Error(byte[] bytes)
        {
            using var stream = new MemoryStream(bytes);
            var e = Assert.Throws<InputException>(() => PerfDataFile.Open(stream, "x.data").ReadSamples(_ => { }));
            return e.Message;
        }

        Assert.Contains("not a perf.data file", Error([.. "not perf"u8, .. new byte[200]]), StringComparison.Ordinal);
        Assert.Contains("cut short", Error(whole[..50]), StringComparison.Ordinal);
        // The data section cut in the middle: the header still says how long it was.
        Assert.Contains("past the end of the file", Error(whole[..(whole.Length / 2)]), StringComparison.Ordinal);
        // A record claiming more than the section holds.
        long dataOffset = BitConverter.ToInt64(whole, 40);
        byte[] lying = (byte[])whole.Clone();
        BitConverter.GetBytes((ushort)0xFFFF).CopyTo(lying, (int)dataOffset + 6);
        BitConverter.GetBytes(100L).CopyTo(lying, 48); // a data section of 100 bytes
        Array.Clear(lying, 72, 32); // and no header features after it
        Assert.Matches("byte [0-9]+: a record of 65535 bytes past the end of the data section", Error(lying));
        // A sample whose call chain claims more addresses than its record holds.
        byte[] chain = (byte[])whole.Clone();
        int at = FirstSample(chain, dataOffset);
        Assert.Contains("a call chain of", Error(Patch(chain, at, whole)), StringComparison.Ordinal);
    }

    // The offset of the first sample record's call-chain count (sample_type of this recording: IP, TID, TIME, PERIOD
    // and CALLCHAIN, so 8 + 8 + 8 + 8 bytes after the record's header, with ID when perf adds it).
    private static int FirstSample(byte[] bytes, long dataOffset)
    {
        long at = dataOffset;
        while (BitConverter.ToUInt32(bytes, (int)at) != PerfDataFile.RecordSample)
        {
            at += BitConverter.ToUInt16(bytes, (int)at + 6);
        }

        return (int)at;
    }

    private static byte[] Patch(byte[] bytes, int sample, byte[] whole)
    {
        using var stream = new MemoryStream(whole);
        ulong st = PerfDataFile.Open(stream, "x.data").Events[0].SampleType;
        int before = 8 * System.Numerics.BitOperations.PopCount(st & 0b1_1100_1111); // IP TID TIME ADDR ID CPU PERIOD before CALLCHAIN
        if ((st & (1UL << 16)) != 0)
        {
            before += 8;
        }

        BitConverter.GetBytes(ulong.MaxValue / 16).CopyTo(bytes, sample + 8 + before);
        return bytes;
    }

    [Fact]
    public void A_perf_archive_writes_only_build_id_files_inside_its_own_directory()
    {
        using var dir = new TempDirectory();
        string outside = dir.Combine("outside");
        string tarball = dir.Combine("hostile.tar.bz2");
        using (var file = File.Create(tarball))
        using (var bzip = new ICSharpCode.SharpZipLib.BZip2.BZip2OutputStream(file))
        using (var tar = new System.Formats.Tar.TarWriter(bzip))
        {
            void Add(string name, string text)
            {
                var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) };
                tar.WriteEntry(entry);
            }

            Add("usr/bin/prog/0123456789abcdef/elf", "program");
            Add("[kernel.kallsyms]/fedcba9876543210/kallsyms", "ffffffff81000000 T _text\n");
            Add("../../outside/abcdef0123/elf", "escape by dots");
            Add("/tmp/kashika-absolute/abcdef0124/elf", "escape by an absolute path");
            Add(".build-id/ab/cdef0125/../../../outside", "escape through the cache's own names");
            tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.SymbolicLink, ".build-id/ab/cdef0126") { LinkName = outside });
            tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.HardLink, "x/abcdef0127/elf") { LinkName = "/etc/passwd" });
        }

        using var archive = PerfArchive.Open(tarball);
        var written = Directory.GetFiles(archive.Directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(archive.Directory, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [".build-id/01/23456789abcdef/elf", ".build-id/ab/cdef0123/elf", ".build-id/ab/cdef0124/elf", ".build-id/fe/dcba9876543210/kallsyms", "[kernel.kallsyms]/fedcba9876543210/kallsyms"],
            written);
        Assert.Equal("program", File.ReadAllText(Path.Join(archive.Directory, ".build-id/01/23456789abcdef/elf")));
        Assert.False(Directory.Exists(outside));
        Assert.False(File.Exists("/tmp/kashika-absolute/abcdef0124/elf"));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(archive.Directory, "*", SearchOption.AllDirectories), e => new FileInfo(e).LinkTarget is not null);

        string directory = archive.Directory;
        archive.Dispose();
        Assert.False(Directory.Exists(directory));

        File.WriteAllBytes(dir.Combine("damaged.tar.bz2"), [.. File.ReadAllBytes(tarball)[..40], .. new byte[200]]);
        var error = Assert.Throws<InputException>(() => PerfArchive.Open(dir.Combine("damaged.tar.bz2")));
        Assert.Contains("damaged.tar.bz2: not a whole perf archive", error.Message, StringComparison.Ordinal);

        // Flipped bytes anywhere: a whole archive (a flip the format cannot see) or an error naming it, nothing else.
        var random = new Random(28);
        byte[] whole = File.ReadAllBytes(tarball);
        for (int i = 0; i < 200; i++)
        {
            byte[] bytes = (byte[])whole.Clone();
            bytes[random.Next(bytes.Length)] ^= (byte)(1 + random.Next(255));
            File.WriteAllBytes(dir.Combine("flipped.tar.bz2"), bytes);
            try
            {
                PerfArchive.Open(dir.Combine("flipped.tar.bz2")).Dispose();
            }
            catch (InputException e)
            {
                Assert.Contains("flipped.tar.bz2: not a whole perf archive", e.Message, StringComparison.Ordinal);
            }
        }
    }

    private string Record(string kind, string[] options)
    {
        if (program.Missing is { } missing)
        {
            Requirements.Missing(missing);
        }

        string data = $"native-{kind}.data";
        if (!File.Exists(program.Dir.Combine(data)))
        {
            var run = ExternalTool.Run(program.Dir.Path, "perf", ["record", .. options, "-o", data + ".tmp", "--", "./oracle"]);
            Assert.True(run is { ExitCode: 0 }, run?.Error);
            File.Move(program.Dir.Combine(data + ".tmp"), program.Dir.Combine(data));
        }

        return data;
    }

    [GeneratedRegex(@"^\s*(-?\d+)/(-?\d+)\s+(\d+)\.(\d{9}):\s+(\d+)(?:\s+([0-9a-f]+))?\s*$")]
    private static partial Regex Head();
}
