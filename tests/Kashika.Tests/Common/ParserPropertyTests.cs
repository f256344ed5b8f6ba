using System.Text;
using CsCheck;
using Kashika.Core.Common;
using Kashika.Core.IoStat;
using Kashika.Core.Relate;
using Kashika.Core.Trace;
using Kashika.Testing;

namespace Kashika.Tests.Common;

/// <summary>
/// Every parser on random and mutated inputs (CsCheck, seeded from real inputs; a failure prints the seed to replay):
/// it returns, or fails with its documented exception naming the input — never another exception, a hang or a crash.
/// </summary>
public sealed class ParserPropertyTests
{
    private const int Iterations = 400;

    // bench/fuzz runs one target for a while: KASHIKA_FUZZ_SECONDS=N samples for N seconds instead of a count.
    private static readonly int Seconds = int.TryParse(Environment.GetEnvironmentVariable("KASHIKA_FUZZ_SECONDS"), out int s) ? s : -1;

    private static long Iter(long count) => Seconds > 0 ? -1 : count;

    // A real input, mutated: bytes flipped, random runs inserted, ranges deleted or repeated, the end cut off.
    private static Gen<byte[]> Mutated(params byte[][] seeds) =>
        Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, 8], Gen.Int.Array[24], Gen.Byte.Array[0, 64])
            .Select(t =>
            {
                var (seed, edits, numbers, noise) = t;
                var bytes = new List<byte>(seeds[seed]);
                for (int e = 0; e < edits && bytes.Count > 0; e++)
                {
                    int at = (numbers[(e * 3) % 24] & int.MaxValue) % bytes.Count;
                    int length = Math.Min(bytes.Count - at, (numbers[((e * 3) + 1) % 24] & int.MaxValue) % 40);
                    switch ((numbers[((e * 3) + 2) % 24] & int.MaxValue) % 5)
                    {
                        case 0: bytes[at] ^= (byte)(1 << (e % 8)); break;
                        case 1: bytes.InsertRange(at, noise); break;
                        case 2: bytes.RemoveRange(at, length); break;
                        case 3: bytes.InsertRange(at, bytes.GetRange(at, length)); break;
                        default: bytes.RemoveRange(at, bytes.Count - at); break;
                    }
                }

                return bytes.ToArray();
            });

    private static Gen<byte[]> Inputs(params byte[][] seeds) => Gen.Frequency((3, Mutated(seeds)), (1, Gen.Byte.Array[0, 600]));

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Perf_script_and_folded_stacks()
    {
        var seeds = Directory.GetFiles(Path.Combine(Paths.RepositoryRoot, "tests", "Kashika.Tests", "Trace", "Data"))
            .Select(f => File.ReadAllBytes(f).Take(6000).ToArray())
            .Append(B("main;a;b 5\nmain;c 3\n# comment\nmain;a 9223372036854775806\n"))
            .ToArray();
        Inputs(seeds).Sample(bytes =>
        {
            foreach (var options in new[] { new CollapseOptions(), new CollapseOptions(Pid: true, Kernel: true, Srcline: true, TimeSlices: 10) })
            {
                try
                {
                    var reader = new TraceReader(options, threads: 2, blockSize: 512);
                    reader.Read(new MemoryStream(bytes), "input");
                    _ = reader.Profile().Total;
                }
                catch (InputException e)
                {
                    Assert.StartsWith("input", e.Message, StringComparison.Ordinal);
                }
            }
        }, iter: Iter(Iterations), time: Seconds);
    }

    [Fact]
    public void Iostat_recordings()
    {
        using var dir = new TempDirectory();
        IoStatRecordings.Write(dir.Combine("io.rec"), 2);
        var seeds = new[] { File.ReadAllBytes(dir.Combine("io.rec")), B("kashika-iostat-recording 1\nsample 1\nfile proc/uptime 5\n1.00\n\nend\n") };
        Inputs(seeds).Sample(bytes =>
        {
            try
            {
                var (samples, _) = RecordingReader.Check(new MemoryStream(bytes), "io.rec");
                if (samples > 0)
                {
                    var reader = new RecordingReader(new MemoryStream(bytes), "io.rec");
                    var source = new RecordedSystemSource(reader.Next()!, reader.Next);
                    new IoStatEngine(new IoStatOptions { Cpu = true, Disk = true, Extended = true, Everything = true, Interval = 1, Count = -1 }, source)
                        .Run(TextWriter.Null, _ => "");
                }
            }
            catch (InputException e)
            {
                Assert.StartsWith("io.rec", e.Message, StringComparison.Ordinal);
            }
            catch (IoStatException)
            {
                // A sample without /proc/uptime or /proc/stat: iostat's own "cannot read" error.
            }
        }, iter: Iter(Iterations), time: Seconds);
    }

    [Fact]
    public void Diskstats_sysfs_and_proc_stat()
    {
        var seeds = new[]
        {
            B("   8       0 sda 49601 2822 3195498 623970 12180 9784 821088 117109 0 32862 714408 0 0 0 0 18446744073709551615 1"),
            B("cpu  18446744073709551615 0 3 4 5 6 7 8 9 10\ncpu0 1 2 3\n"),
            B("7192.55 29212.05\n"),
        };
        Inputs(seeds).Sample(bytes =>
        {
            string text = Encoding.UTF8.GetString(bytes);
            ProcParsers.TryDiskstatsLine(text, false, out _, out _, out _, out var counters);
            ProcParsers.TryDiskstatsLine(text, true, out _, out _, out _, out _);
            _ = DeviceRates.Compute(counters, default, 100);
            _ = ProcParsers.Uptime(text);
            _ = ProcParsers.Cpu(text).Total;
            _ = ProcParsers.DeviceMapperMajor(text);
            Span<ulong> values = stackalloc ulong[17];
            _ = ProcParsers.ReadValues(text, values);
        }, iter: Iter(Iterations * 2), time: Seconds);
    }

    [Fact]
    public void Ossrel_rankings()
    {
        Inputs(B("     12 Ann Author\n      3 Bob\n      1 Cy D. E\n")).Sample(bytes =>
        {
            try
            {
                _ = OssrelRanking.Parse(new MemoryStream(bytes), "ranking");
            }
            catch (InputException e)
            {
                Assert.StartsWith("ranking", e.Message, StringComparison.Ordinal);
            }
        }, iter: Iter(Iterations), time: Seconds);
    }

    [Fact]
    public void Mailmap_files_and_blobs()
    {
        Inputs(B("# comment\nAnn <ann@new> <ann@old>\n<bob@new> Bob <bob@old>\nCy Real <cy@x>\n<d@x> <D@Y>\n")).Sample(bytes =>
        {
            var mailmap = new Mailmap();
            mailmap.AddFile(bytes);
            mailmap.AddBlob(bytes);
            _ = mailmap.Map("Ann", "ann@old");
            _ = mailmap.Map("", "");
        }, iter: Iter(Iterations), time: Seconds);
    }

    [Fact]
    public void Cached_commit_logs()
    {
        var log = new CommitLog();
        int ann = log.Author("Ann <ann@example.org>"u8);
        int bob = log.Author("Bob <bob@example.org>"u8);
        log.Commits.Add(new LoggedCommit(ann, 1_500_000_000, true, false, 7));
        log.Commits.Add(new LoggedCommit(bob, -5, false, true, 9));
        Inputs(CommitLogCodec.Encode(log)).Sample(bytes =>
        {
            try
            {
                var decoded = CommitLogCodec.Decode(bytes);
                Assert.All(decoded.Commits, c => Assert.InRange(c.Author, 0, decoded.Authors.Count - 1));
            }
            catch (InvalidDataException)
            {
                // The documented failure: a damaged cache row is read around.
            }
        }, iter: Iter(Iterations), time: Seconds);
    }

    // Found by bench/fuzz (seed 80WvYMxfTxj1): an uptime whose hundredths pass 2^64 overflowed instead of wrapping as C's.
    [Fact]
    public void Fuzz_uptime_past_2_64_hundredths_wraps_as_in_c()
    {
        Assert.Equal(unchecked((184467440737095516UL * 100) + 16), ProcParsers.Uptime("184467440737095516.16 0.00\n"));
        Assert.Equal(unchecked((18446744073709551615UL * 100) + 99), ProcParsers.Uptime("18446744073709551615.99 1.00\n"));
    }
}
