using Kashika.Core.IoStat;

namespace Kashika.Tests.IoStat;

public sealed class IoStatFormulaTests
{
    private static readonly IoStatOptions Extended = new() { Extended = true, Disk = true };

    [Theory]
    [InlineData(0.125, 2, "0.12")] // exact tie: half to even, as C's printf (not .NET's "F2", which gives 0.13)
    [InlineData(0.375, 2, "0.38")]
    [InlineData(2.5, 0, "2")]
    [InlineData(3.5, 0, "4")]
    [InlineData(0.005, 2, "0.01")] // 0.005 is slightly above its decimal in binary
    [InlineData(1597749.0, 2, "1597749.00")]
    [InlineData(-1.25, 1, "-1.2")]
    [InlineData(0.0, 2, "0.00")]
    public void Fixed_rounds_like_c(double value, int decimals, string expected) => Assert.Equal(expected, CFormat.Fixed(value, decimals));

    [Theory]
    [InlineData("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11", true, 1UL, 0UL)]
    [InlineData("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", true, 1UL, 12UL)]
    [InlineData("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", true, 1UL, 12UL)]
    [InlineData("   8       1 sda1 1 2 3 4", true, 1UL, 0UL)]
    [InlineData("   8       1 sda1 1 2 3 4 5", false, 0UL, 0UL)]
    public void Diskstats_lines_of_every_kernel(string line, bool ok, ulong reads, ulong discards)
    {
        Assert.Equal(ok, ProcParsers.TryDiskstatsLine(line, extendedOnly: false, out _, out _, out _, out var counters));
        Assert.Equal(reads, counters.RdIos);
        Assert.Equal(discards, counters.DcIos);
    }

    [Fact]
    public void Old_kernel_partitions_are_left_out_of_extended_reports() =>
        Assert.False(ProcParsers.TryDiskstatsLine("   8       1 sda1 1 2 3 4", extendedOnly: true, out _, out _, out _, out _));

    [Fact]
    public void Uptime_and_interval_guard()
    {
        Assert.Equal(719255UL, ProcParsers.Uptime("7192.55 29212.05\n"));
        Assert.Null(ProcParsers.Uptime("garbage"));
        Assert.Equal(1UL, IoStatEngine.Interval(500, 500)); // an unchanged uptime never divides by zero
    }

    [Fact]
    public void Thirty_two_bit_tick_counters_wrap_into_the_right_difference()
    {
        var before = new DiskCounters { RdIos = 100, RdTicks = uint.MaxValue - 9, TotTicks = uint.MaxValue - 99 };
        var after = new DiskCounters { RdIos = 110, RdTicks = 10, TotTicks = 100 };
        var report = new IntervalReport(0, LeftOut: false, default, [[new DeviceInterval("sda", DeviceKind.Disk, after, before, 100, 1)]]);
        string row = Kashika.Reports.IoStat.IoStatTextFormat.Report(report, Extended, _ => "").Split('\n').Single(l => l.StartsWith("sda", StringComparison.Ordinal));
        var columns = row.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("2.00", columns[5]); // r_await: 20 ms over 10 reads, across the wrap
        // %util: 200 ms busy in 1 s across the wrap (sysstat 12.7+ reads a tot_ticks below its previous value as 0).
        Assert.Equal("20.00", columns[^1]);
        Assert.True(report.Devices[0].Rates.Wrapped);
    }

    [Theory]
    [InlineData(uint.MaxValue - 99u, 100u, uint.MaxValue - 999u, 4000u, 20.0, 5.0, true)] // both wrapped: 200 ms, 5,000 ms
    [InlineData(1000u, 990u, 5000u, 4990u, 0.0, 0.0, false)] // a step back (per-CPU sums read mid-update): 0, as sysstat
    [InlineData(0x9000_0000u, 0x1000_0000u, 0u, 10u, 0.0, 0.01, false)] // more than half the range down: not a wrap
    [InlineData(0u, 0x9000_0000u, 0u, 0u, 241591910.4, 0.0, false)] // a large advance is an advance
    public void Busy_and_queue_ticks_are_taken_across_a_32_bit_wrap_and_a_step_back_is_zero(
        uint totBefore, uint totAfter, uint rqBefore, uint rqAfter, double util, double queue, bool wrapped)
    {
        var rates = DeviceRates.Compute(
            new DiskCounters { RdIos = 20, TotTicks = totAfter, RqTicks = rqAfter }, new DiskCounters { RdIos = 10, TotTicks = totBefore, RqTicks = rqBefore }, 100);
        Assert.Equal(util, rates.BusyPercent, 6);
        Assert.Equal(queue, rates.QueueSize, 6);
        Assert.Equal(wrapped, rates.Wrapped);
    }
}
