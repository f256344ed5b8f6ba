using Kashika.Testing;

namespace Kashika.BrowserTests;

/// <summary>A chart made by the real CLI from a recording of this machine's counters.</summary>
public sealed class IoStatCharts : IAsyncLifetime
{
    private readonly TempDirectory dir = new();

    public Browser Browser { get; } = new();

    public string Chart => dir.Combine("io.html");

    public async ValueTask InitializeAsync()
    {
        KashikaProcess.Succeed(dir.Path, "iostat", "-d", "--record", "io.rec", "1", "3");
        KashikaProcess.Succeed(dir.Path, "iostat", "-p", "ALL", "--replay", "io.rec", "--format", "html", "-o", "io.html");
        await Browser.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        dir.Dispose();
    }
}

public sealed class IoStatChartTests(IoStatCharts charts) : IClassFixture<IoStatCharts>
{
    [Fact]
    public async Task Draws_a_line_per_device_and_switches_columns()
    {
        var report = await charts.Browser.OpenAsync(charts.Chart, 1200, 800);
        int devices = await report.Page.Locator("#legend label").CountAsync();
        Assert.True(devices > 0);
        Assert.Equal(devices, await report.Page.Locator("path.series").CountAsync());
        Assert.Equal("util", await report.Page.Locator("#column").InputValueAsync());

        await report.Page.Locator("#column").SelectOptionAsync("r/s");
        Assert.Equal(devices, await report.Page.Locator("path.series").CountAsync());

        await report.Page.Locator("#legend input").First.UncheckAsync();
        Assert.Equal(devices - 1, await report.Page.Locator("path.series").CountAsync());

        await report.Page.Mouse.MoveAsync(600, 300);
        Assert.Contains("r/s", await report.Page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        await report.ScreenshotAsync("iostat-chart.png");
        Assert.Empty(report.Errors);
    }
}
