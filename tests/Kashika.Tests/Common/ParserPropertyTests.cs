using System.Text;
using CsCheck;
using Kashika.Core.Common;
using Kashika.Core.IoStat;
using Kashika.Core.Relate;
using Kashika.Core.Trace;
using Kashika.Fuzz;
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

    // The fuzz targets' own oracles (tests/Kashika.Fuzz), seeded as bench/fuzz seeds AFL++.
    private static void Check(string target, int iterations = Iterations)
    {
        var fuzz = FuzzTargets.Named(target);
        Inputs([.. fuzz.Seeds(Paths.RepositoryRoot)]).Sample(fuzz.Run, iter: Iter(iterations), time: Seconds);
    }

    [Fact]
    public void Trace() => Check("trace");

    [Fact]
    public void Iostat_recording() => Check("iostat-recording");

    [Fact]
    public void Proc() => Check("proc", Iterations * 2);

    [Fact]
    public void Ossrel_ranking() => Check("ossrel-ranking");

    [Fact]
    public void Mailmap() => Check("mailmap");

    [Fact]
    public void Git_log() => Check("git-log");

    [Fact]
    public void Git_objects() => Check("git-objects");

    [Fact]
    public void History_cache() => Check("history-cache");

    [Fact]
    public void Pprof() => Check("pprof");

    [Fact]
    public void Perf_data() => Check("perf-data");

    [Fact]
    public void Relate_parquet() => Check("relate-parquet", Iterations / 4);

    // Two readers and a git process a case: fewer cases, each a whole repository. The target leaves the test process's
    // environment alone: it once set GIT_CONFIG_GLOBAL here, and git run by later tests lost their safe.directory.
    [Fact]
    public void Damaged_repository()
    {
        Check("damaged-repository", Iterations / 8);
        Assert.Null(Environment.GetEnvironmentVariable("GIT_CONFIG_GLOBAL"));
    }

    // AFL++ aborts the harness when instrumented code runs before its coverage map is set up: a static field of the
    // targets computed from Kashika's code (a seed export) did, and no target ran under bench/fuzz.
    [Fact]
    public void Fuzz_targets_hold_no_static_state_but_their_list()
    {
        var fields = typeof(FuzzTargets).GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public);
        Assert.Equal(["<All>k__BackingField"], fields.Select(f => f.Name).ToArray());
    }

    [Fact]
    public void Every_fuzz_target_has_a_property_test()
    {
        var tests = typeof(ParserPropertyTests).GetMethods().Select(m => m.Name.Replace('_', '-').ToLowerInvariant()).ToHashSet();
        Assert.All(FuzzTargets.All, t => Assert.Contains(t.Name, tests));
    }

    // Seen while writing the git-objects oracle: five bytes of a pack delta asked for a 1 GiB result, allocated before
    // the delta was found short. A delta is now refused when its size is more than its instructions could make.
    [Fact]
    public void Pack_delta_asking_for_a_gigabyte_is_refused_before_allocating()
    {
        byte[] delta = [0x40, 0x80, 0x80, 0x80, 0x80, 0x04, 0x05, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o'];
        long before = GC.GetAllocatedBytesForCurrentThread();
        FuzzTargets.Named("git-objects").Run(delta);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
    }

    // Found by the relate-parquet property test (seed 0Cjeto3aAvm2): a projects table whose zstd page is damaged threw
    // Parquet.Net's ZstdException (an internal error); it is an input error naming the file now.
    [Fact]
    public void Fuzz_parquet_table_with_a_damaged_zstd_page_is_an_input_error()
    {
        var target = FuzzTargets.Named("relate-parquet");
        byte[] table = target.Seeds(Paths.RepositoryRoot).First();
        int damaged = 0;
        for (int at = 8; at < table.Length - 8; at += 7)
        {
            byte[] bytes = (byte[])table.Clone();
            bytes[at] ^= 0x5a;
            target.Run(bytes);
            damaged++;
        }

        Assert.True(damaged > 50);
    }

    // Found by bench/fuzz relate-parquet (AFL++): footers on which Parquet.Net's reader spins for ever or for ten seconds
    // (a one-byte footer), and one whose lengths ask for 2 GiB. Each is an input error naming the file and its damaged
    // footer, found by checking the footer's Thrift before Parquet.Net reads it (the first took the 10 s deadline).
    [Theory]
    [InlineData("fuzz-parquet-footer-loops.parquet")]
    [InlineData("fuzz-parquet-footer-asks-2gb.parquet")]
    [InlineData("fuzz-parquet-footer-spins-10s.parquet")]
    public void Fuzz_damaged_parquet_footers_are_input_errors(string file)
    {
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(Paths.RepositoryRoot, "tests", "Kashika.Tests", "Relate", "Data", file), dir.Combine("projects.parquet"));
        File.WriteAllBytes(dir.Combine("contributions.parquet"), []); // read after the projects table, which fails first
        var run = KashikaProcess.Run(dir.Path, "relate", "--from-parquet", ".");
        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("kashika: error: ./projects.parquet: not a table of a relate export (its footer (metadata) is damaged at byte", run.StandardError, StringComparison.Ordinal);
    }

    // Found by bench/fuzz (seed 80WvYMxfTxj1): an uptime whose hundredths pass 2^64 overflowed instead of wrapping as C's.
    [Fact]
    public void Fuzz_uptime_past_2_64_hundredths_wraps_as_in_c()
    {
        Assert.Equal(unchecked((184467440737095516UL * 100) + 16), ProcParsers.Uptime("184467440737095516.16 0.00\n"));
        Assert.Equal(unchecked((18446744073709551615UL * 100) + 99), ProcParsers.Uptime("18446744073709551615.99 1.00\n"));
    }
}
