using Kashika.Core.IoStat;
using Kashika.Reports.IoStat;

namespace Kashika.Tests.IoStat;

/// <summary>The page's numbers: iostat's printed values, devices that come and go, times and their zone.</summary>
public sealed class ReportSeriesTests
{
    [Theory]
    [InlineData(0.125, 0.12)] // an exact tie: C rounds half to even
    [InlineData(0.375, 0.38)]
    [InlineData(2.675, 2.67)] // 2.675 is 2.67499999… in binary
    [InlineData(1234.5678, 1234.57)]
    [InlineData(-0.004, 0)]
    public void Values_are_what_printf_prints(double value, double printed)
    {
        Assert.Equal(printed, CFormat.Hundredths(value));
        Assert.Equal(CFormat.Fixed(value, 2).TrimStart('-'), CFormat.Fixed(CFormat.Hundredths(value), 2).TrimStart('-'));
    }

    [Fact]
    public void A_device_that_comes_later_or_goes_has_gaps()
    {
        var counters = new DiskCounters { RdIos = 300, RdSectors = 800, TotTicks = 500 };
        DeviceInterval Device(string name, DeviceKind kind, int members) => new(name, kind, counters, default, 100, members);
        var series = new ReportSeries();
        var cpu = new CpuShares(1, 0, 2, 0.125, 0, 96.875);
        series.Add(new IntervalReport(0, false, cpu, [[Device("sda", DeviceKind.Disk, 1)]]), 1_000);
        series.Add(new IntervalReport(1, false, cpu, [[Device("sda", DeviceKind.Disk, 1), Device(" all", DeviceKind.Group, 2)]]), 2_000);
        series.Add(new IntervalReport(2, false, cpu, [[Device(" all", DeviceKind.Group, 2)]]), 3_010);

        var devices = series.Devices();
        Assert.Equal(["sda", "all"], devices.Select(d => d.Name));
        Assert.Equal([300.0, 300.0, null], devices[0].Values["r/s"]);
        Assert.Equal([400.0, 400.0, null], devices[0].Values["rkB/s"]); // 800 sectors of 512 bytes in one second
        Assert.Equal([50.0, 50.0, null], devices[0].Values["%util"]);
        Assert.Equal([null, 25.0, 25.0], devices[1].Values["%util"]); // a group: its members' mean
        Assert.Equal([0.12, 0.12, 0.12], series.Cpu()["%iowait"]);

        var zone = TimeZoneInfo.CreateCustomTimeZone("Test/Kolkata", TimeSpan.FromMinutes(330), "Test", "Test");
        var document = IoStatChartDocument.Create(series, "kashika test", "host", "6.1", zone);
        Assert.Equal([1_000L, 1_000, 1_010], document.TimeSteps);
        Assert.Equal([new ZoneOffset(0, 330)], document.Offsets);
        Assert.Equal("Test/Kolkata", document.TimeZone);
        Assert.Equal(ColumnGuide.Describe(ColumnGuide.Find("avgqu-sz")!), document.Columns.Single(c => c.Name == "avgqu-sz").Text);
        Assert.Equal("group", document.Devices[1].Kind);
    }
}
