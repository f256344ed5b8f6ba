using Kashika.Core.IoStat;

namespace Kashika.Tests.IoStat;

/// <summary>sysstat's iostat grammar (every option of its 12.x man page) and Kashika's own options, parsed without a process.</summary>
public sealed class IoStatCommandLineTests
{
    private static IoStatCommand Parse(string line, string? posixlyCorrect = null) =>
        IoStatCommandLine.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), name => name == "POSIXLY_CORRECT" ? posixlyCorrect : null);

    private static IoStatOptions Options(string line) => Parse(line).Options;

    [Fact]
    public void No_option_is_both_reports_of_every_device_once_in_kilobytes()
    {
        var o = Options("");
        Assert.True(o.Cpu && o.Disk && o.AllDevices);
        Assert.False(o.Extended || o.Json || o.Everything || o.Unfiltered);
        Assert.Equal(IoStatUnit.Kilobytes, o.Unit);
        Assert.Equal((0L, 1L), (o.Interval, o.Count));
        Assert.Equal(-1, o.DecimalPlaces);
        Assert.Empty(o.Devices);
    }

    [Theory]
    [InlineData("-x", "Extended")]
    [InlineData("-s", "Short")]
    [InlineData("-t", "Timestamp")]
    [InlineData("-U", "EpochTimestamps")]
    [InlineData("-y", "OmitSinceBoot")]
    [InlineData("-z", "OmitIdle")]
    [InlineData("-N", "DeviceMapperNames")]
    [InlineData("-p", "Everything")]
    [InlineData("--human", "Human")]
    [InlineData("--pretty", "Pretty")]
    [InlineData("--compact", "Compact")]
    [InlineData("-h", "Human")]
    [InlineData("-h", "Pretty")]
    [InlineData("-o JSON", "Json")]
    [InlineData("-g all sda -H", "GroupTotalsOnly")]
    public void Each_flag_sets_its_option(string line, string option) // -c and -d: below
    {
        var o = Options(line);
        Assert.True((bool)typeof(IoStatOptions).GetProperty(option)!.GetValue(o)!, $"{line} → {option}");
        Assert.False((bool)typeof(IoStatOptions).GetProperty(option)!.GetValue(Options(""))!, $"{option} is off by default");
    }

    [Fact]
    public void Letters_combine_and_a_report_chosen_leaves_the_other_out()
    {
        var o = Options("-xdk");
        Assert.True(o.Extended && o.Disk);
        Assert.False(o.Cpu);
        Assert.False(Options("-c").Disk);
        Assert.True(Options("-cd").Cpu && Options("-cd").Disk);
        // -x, -p and device names show the disk report even with -c.
        Assert.True(Options("-c -x").Disk);
    }

    [Theory]
    [InlineData("-k", IoStatUnit.Kilobytes)]
    [InlineData("-m", IoStatUnit.Megabytes)]
    [InlineData("-G", IoStatUnit.Gigabytes)]
    [InlineData("-mm", IoStatUnit.Megabytes)]
    public void Units(string line, IoStatUnit unit) => Assert.Equal(unit, Options(line).Unit);

    [Fact]
    public void Posixly_correct_counts_blocks_unless_a_unit_is_asked()
    {
        Assert.Equal(IoStatUnit.Blocks, Parse("-d", posixlyCorrect: "").Options.Unit);
        Assert.Equal(IoStatUnit.Kilobytes, Parse("-dk", posixlyCorrect: "").Options.Unit);
        Assert.Equal(IoStatUnit.Megabytes, Parse("-m", posixlyCorrect: "").Options.Unit);
    }

    [Fact]
    public void Interval_and_count_in_any_place()
    {
        var o = Options("2 -x sda 5");
        Assert.Equal((2L, 5L), (o.Interval, o.Count));
        Assert.Equal((2L, -1L), (Options("2").Interval, Options("2").Count)); // an interval alone: no end
        Assert.Equal(["sda"], o.Devices.Select(d => d.Name));
    }

    [Fact]
    public void Devices_all_partitions_and_groups()
    {
        var named = Options("/dev/sda sdb");
        Assert.Equal(["sda", "sdb"], named.Devices.Select(d => d.Name));
        Assert.True(named.Unfiltered);
        Assert.False(named.AllDevices);
        Assert.True(Options("ALL").AllDevices && Options("ALL").Unfiltered);

        var partitions = Options("-p sda,/dev/sdb");
        Assert.Equal([("sda", true), ("sdb", true)], partitions.Devices.Select(d => (d.Name, d.WithPartitions)));
        Assert.False(partitions.Everything);
        Assert.True(Options("-p ALL").Everything);
        Assert.True(Options("-p 2").Everything); // a number after -p is the interval
        Assert.Equal(2L, Options("-p 2").Interval);

        var groups = Options("-g fast sda sdb -g slow sdc");
        Assert.Equal([("fast", true), ("sda", false), ("sdb", false), ("slow", true), ("sdc", false)], groups.Devices.Select(d => (d.Name, d.IsGroup)));
    }

    [Fact]
    public void Values_of_options()
    {
        Assert.Equal(0, Options("--dec=0").DecimalPlaces);
        Assert.Equal(2, Options("--dec=2").DecimalPlaces);
        var j = Options("-j UUID");
        Assert.Equal("uuid", j.PersistentNameType);
        Assert.True(j.Pretty); // persistent names are long: shown last
        Assert.Equal(new AlternateStatistics("my_stats", false), Parse("-f my_stats").Alternate);
        Assert.Equal(new AlternateStatistics("my_stats", true), Parse("+f my_stats").Alternate);
    }

    [Fact]
    public void Kashikas_own_options()
    {
        var replay = Parse("--replay io.rec --format html -o io.html");
        Assert.Equal(("io.rec", IoStatOutput.Html, "io.html"), (replay.Replay, replay.Output, replay.OutputFile));
        Assert.Equal("io.rec", Parse("--record io.rec 1 10").Record);
        Assert.Equal(IoStatOutput.OpenMetrics, Parse("--format openmetrics").Output);
        Assert.Equal(["a", "b"], Parse("--root a --root b").Roots);
        Assert.True(Parse("--live 1").Live);
        Assert.True(Parse("-V").Version);
        Assert.True(Parse("--version").Version);
        Assert.Equal("", Parse("--explain").Explain);
        Assert.Equal("await", Parse("-x --explain await").Explain);
    }

    [Theory]
    [InlineData("-q", "-q")]
    [InlineData("-xq", "-xq")]
    [InlineData("--frobnicate", "--frobnicate")]
    [InlineData("--dec=3", "--dec")]
    [InlineData("--dec=", "--dec")]
    [InlineData("-o", "-o")]
    [InlineData("-o XML", "-o XML")]
    [InlineData("-j", "-j")]
    [InlineData("-g", "-g")]
    [InlineData("-f", "-f")]
    [InlineData("-f a +f b", "+f")]
    [InlineData("-H", "-H")]
    [InlineData("-k -m", "-m")]
    [InlineData("-m -G", "-G")]
    [InlineData("1 2 3", "3")]
    [InlineData("1 0", "count")]
    [InlineData("0 3", "count")]
    [InlineData("99999999999999999999 1", "interval")]
    [InlineData("1 99999999999999999999", "count")]
    [InlineData("--format xml", "--format")]
    [InlineData("--format", "--format")]
    [InlineData("--root", "--root")]
    [InlineData("--record", "--record")]
    [InlineData("--record -", "--record")]
    [InlineData("--replay", "--replay")]
    [InlineData("--format html", "--format html")]
    [InlineData("--replay a.rec --root r", "--replay")]
    [InlineData("--replay a.rec -f d", "--replay")]
    [InlineData("--record a.rec --replay b.rec", "--record")]
    [InlineData("--record a.rec --root r1 --root r2", "--record")]
    public void A_line_iostat_cannot_take_is_an_error_naming_the_option(string line, string named)
    {
        var e = Assert.Throws<IoStatUsageException>(() => Parse(line));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }
}
