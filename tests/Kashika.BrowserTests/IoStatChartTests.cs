using System.Globalization;
using System.Text.RegularExpressions;
using Kashika.Testing;

namespace Kashika.BrowserTests;

/// <summary>
/// iostat pages made by the real CLI: a made-up machine with known traffic (10 minutes at 1 s, and a long one for
/// downsampling), and a recording of this machine's own counters.
/// </summary>
public sealed class IoStatPages : IAsyncLifetime
{
    public const int Spike = 300;
    public const int LongSpike = 12_345;

    private readonly TempDirectory dir = new();

    public Browser Browser { get; } = new();

    public string Folder => dir.Path;

    public string Page => dir.Combine("io.html");

    public string Long => dir.Combine("long.html");

    public string Machine => dir.Combine("machine.html");

    public async ValueTask InitializeAsync()
    {
        IoStatRecordings.Write(dir.Combine("io.rec"), 601, Spike);
        KashikaProcess.Succeed(dir.Path, "iostat", "-p", "ALL", "--replay", "io.rec", "--format", "html", "-o", "io.html");
        IoStatRecordings.Write(dir.Combine("long.rec"), 20_001, LongSpike);
        KashikaProcess.Succeed(dir.Path, "iostat", "--replay", "long.rec", "--format", "html", "-o", "long.html");
        KashikaProcess.Succeed(dir.Path, "iostat", "-d", "--record", "machine.rec", "1", "3");
        KashikaProcess.Succeed(dir.Path, "iostat", "--replay", "machine.rec", "--format", "html", "-o", "machine.html");
        await Browser.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        dir.Dispose();
    }
}

public sealed partial class IoStatChartTests(IoStatPages pages) : IClassFixture<IoStatPages>
{
    private static readonly string[] Charts = ["throughput", "iops", "merges", "await", "size", "queue", "util"];

    private static async Task<ReportPage> Open(Browser browser, string file, int width = 1400, string fragment = "")
    {
        var report = await browser.OpenAsync(file, width, 1200, fragment);
        await report.Page.WaitForSelectorAsync("body[data-ready]");
        return report;
    }

    [Fact]
    public async Task Every_value_axis_reads_as_distinct_numbers()
    {
        // Steps of 0.5 or 0.2 (a queue of one or two, a quiet disk's 0 to 1) once read "2, 2, 1, 1, 0".
        foreach (string file in new[] { pages.Page, pages.Long, pages.Machine })
        {
            var report = await Open(pages.Browser, file);
            await report.Page.EvaluateAsync("() => new Promise(r => setTimeout(r, 400))"); // the charts below drawn too
            string[] repeated = await report.Page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('figure.chart svg')].map(svg => [...svg.querySelectorAll('g.axis')][1]).filter(Boolean)"
                + ".map(a => [...a.querySelectorAll('text')].map(t => t.textContent)).filter(t => t.length > 0 && new Set(t).size !== t.length).map(t => t.join(' '))");
            Assert.Empty(repeated);
            Assert.Empty(report.Errors);
        }
    }

    [Fact]
    public async Task A_grid_of_charts_per_busy_disk_and_one_for_the_cpu()
    {
        var report = await Open(pages.Browser, pages.Page);
        var page = report.Page;
        // The two busy disks are shown; the quiet one and the partitions wait in the picker.
        Assert.Equal(["sda", "nvme0n1"], await page.Locator("section.device").EvaluateAllAsync<string[]>("s => s.map(x => x.dataset.device)"));
        foreach (string device in new[] { "sda", "nvme0n1" })
        {
            Assert.Equal(Charts, await page.Locator($"section.device[data-device='{device}'] figure").EvaluateAllAsync<string[]>("f => f.map(x => x.dataset.chart)"));
        }

        Assert.Equal(1, await page.Locator("#cpu figure[data-chart='cpu']").CountAsync());

        Assert.Equal(["%user", "%nice", "%system", "%iowait", "%steal", "%idle"], await page.Locator("#cpu .legend .item").EvaluateAllAsync<string[]>("i => i.map(x => x.dataset.column)"));
        Assert.Equal(9, await page.Locator("#devices input").CountAsync()); // 3 disks, 6 partitions

        // Units on every chart; kB scaled as sysstat's; time ticks hh:mm:ss.
        var units = await page.Locator("section.device[data-device='sda'] .unit").AllInnerTextsAsync();
        Assert.Matches("^[kMG]B/s$", units[0]);
        Assert.Equal(["requests/s", "merges/s", "ms"], units.Skip(1).Take(3));
        Assert.Matches("^[kMG]B$", units[4]);
        Assert.Equal(["requests", "%"], units.Skip(5));
        var ticks = await page.Locator("section.device[data-device='sda'] figure[data-chart='util'] .axis text").AllTextContentsAsync();
        Assert.Contains(ticks, t => Clock().IsMatch(t));
        Assert.Contains("times in", await page.Locator("#subtitle").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Matches(@"UTC[+-]\d\d:\d\d", await page.Locator("#subtitle").InnerTextAsync());
        // The peak is inside the axis: the top tick is at or above the highest value.
        double top = double.Parse((await page.Locator("section.device[data-device='sda'] figure[data-chart='iops'] .axis").Nth(1).Locator("text").AllTextContentsAsync()).Last().Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        string peak = await page.Locator("section.device[data-device='sda'] figure[data-chart='iops'] .item[data-column='r/s'] .value").InnerTextAsync();
        Assert.True(top >= Number(peak), $"top tick {top}, {peak}");
        await report.ScreenshotAsync("iostat-page.png");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_chart_saves_as_svg_and_png_with_its_title_and_legend_and_its_values_as_csv()
    {
        var report = await Open(pages.Browser, pages.Page);
        string chart = "section.device[data-device='sda'] figure[data-chart='util']";
        var (svgName, svg) = await report.DownloadAsync($"{chart} .export button[data-export='svg']");
        Assert.Equal("sda-util.svg", svgName);
        var texts = System.Xml.Linq.XDocument.Parse(System.Text.Encoding.UTF8.GetString(svg))
            .Descendants("{http://www.w3.org/2000/svg}text").Select(t => t.Value).ToList();
        Assert.StartsWith("sda · ", texts[0], StringComparison.Ordinal); // the title, then the legend
        Assert.Contains("%util", texts);
        var box = await report.Page.Locator($"{chart} svg").BoundingBoxAsync();
        var (_, png) = await report.DownloadAsync($"{chart} .export button[data-export='png']");
        Assert.Equal((int)Math.Round(box!.Width) * 2, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(((int)Math.Round(box.Height) + 42) * 2, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        var (_, csv) = await report.DownloadAsync($"{chart} .export button[data-export='csv']");
        string[] lines = System.Text.Encoding.UTF8.GetString(csv).TrimEnd().Split("\r\n");
        Assert.Equal("time,%util", lines[0]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,[\d.]+$", lines[1]);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Captions_are_the_explain_text_of_their_columns()
    {
        var report = await Open(pages.Browser, pages.Page);
        var captions = report.Page.Locator("section.device[data-device='sda'] pre.explain, #cpu pre.explain");
        var columns = await captions.EvaluateAllAsync<string[]>("p => p.map(x => x.dataset.column)");
        Assert.Equal(22 - 3 + 6, columns.Length); // every charted column (the %merged ones are in the summary) and the CPU's
        var texts = await captions.EvaluateAllAsync<string[]>("p => p.map(x => x.textContent)");
        for (int i = 0; i < columns.Length; i++)
        {
            var explain = KashikaProcess.Run(pages.Folder, "iostat", "--explain", columns[i]);
            Assert.Equal(explain.StandardOutput.TrimEnd('\n') + "\n", texts[i]);
        }
    }

    [Fact]
    public async Task The_values_at_the_cursor_are_the_text_reports_values()
    {
        var report = await Open(pages.Browser, pages.Page);
        var page = report.Page;
        var text = KashikaProcess.Run(pages.Folder, "iostat", "-x", "-y", "--replay", "io.rec");
        var reports = text.StandardOutput.Split("avg-cpu:").Skip(1).ToList();
        // Keyboard: focus sda's util chart, first sample, then three to the right.
        var chart = page.Locator("section.device[data-device='sda'] figure[data-chart='iops'] svg");
        await chart.FocusAsync();
        await page.Keyboard.PressAsync("Home");
        for (int i = 0; i < 3; i++)
        {
            await page.Keyboard.PressAsync("ArrowRight");
        }

        string row = reports[3].Split('\n').Single(l => l.StartsWith("sda ", StringComparison.Ordinal));
        var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Number(cells[1]), Number(await page.Locator("section.device[data-device='sda'] figure[data-chart='iops'] .item[data-column='r/s'] .value").InnerTextAsync()));
        Assert.Equal(Number(cells[22]), Number(await page.Locator("section.device[data-device='sda'] figure[data-chart='util'] .item[data-column='%util'] .value").InnerTextAsync()));
        Assert.Contains("r/s:", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        // One cursor for every chart: the CPU's readout is the same report's.
        string cpu = reports[3].Split('\n')[1];
        Assert.Equal(Number(cpu.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5]), Number(await page.Locator("#cpu .item[data-column='%idle'] .value").InnerTextAsync()));
        Assert.True(await page.Locator("section.device[data-device='nvme0n1'] figure[data-chart='util'] line.rule").EvaluateAsync<bool>("l => l.style.display !== 'none'"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_brush_zooms_every_chart_and_the_summary_follows()
    {
        var report = await Open(pages.Browser, pages.Page);
        var page = report.Page;
        string whole = await page.Locator("#summary-range").InnerTextAsync();
        Assert.Contains("(600 samples)", whole, StringComparison.Ordinal);
        string maxBefore = await SummaryCell(page, "sda", "r/s", 6);

        // The mean latency of the range is its reads' time over their number, as iostat would print for it as one
        // interval: each second's r_await weighted by its reads, not a mean of seconds.
        var rows = KashikaProcess.Run(pages.Folder, "iostat", "-x", "-y", "--replay", "io.rec").StandardOutput.Split('\n')
            .Where(l => l.StartsWith("sda ", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        double reads = rows.Sum(r => Number(r[1])), time = rows.Sum(r => Number(r[1]) * Number(r[5]));
        Assert.Equal(time / reads, Number(await SummaryCell(page, "sda", "r_await", 4)), 2);
        Assert.NotEqual(rows.Average(r => Number(r[5])), time / reads, 2);

        // Drag across the first fifth of sda's throughput chart: before the spike at sample 300.
        var box = (await page.Locator("section.device[data-device='sda'] figure[data-chart='throughput'] svg").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + 70, box.Y + 60);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + 70 + ((box.Width - 80) / 5), box.Y + 60, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        string zoomed = await page.Locator("#summary-range").InnerTextAsync();
        Assert.NotEqual(whole, zoomed);
        int samples = int.Parse(Samples().Match(zoomed).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.InRange(samples, 60, 180);
        Assert.True(Number(await SummaryCell(page, "sda", "r/s", 6)) < Number(maxBefore) / 5, "the spike is outside the range");
        Assert.Contains("#", page.Url, StringComparison.Ordinal);
        Assert.Contains("from=", page.Url, StringComparison.Ordinal);
        Assert.False(await page.Locator("#reset").IsDisabledAsync());

        // Every chart shows the same range: the x axes agree.
        var firstTicks = await page.Locator("#cpu figure .axis").First.Locator("text").AllTextContentsAsync();
        Assert.Equal(firstTicks, await page.Locator("section.device[data-device='nvme0n1'] figure[data-chart='util'] .axis").First.Locator("text").AllTextContentsAsync());

        // The link reopens the same range.
        var again = await Open(pages.Browser, pages.Page, fragment: new Uri(page.Url).Fragment);
        Assert.Equal(zoomed, await again.Page.Locator("#summary-range").InnerTextAsync());

        // Escape shows everything wherever the focus is (here on the page after a click on its text); Back undoes that.
        await page.Locator("#summary-range").ClickAsync();
        Assert.False(await page.EvaluateAsync<bool>("() => !!document.activeElement?.closest('svg')"));
        await page.Keyboard.PressAsync("Escape");
        Assert.Equal(whole, await page.Locator("#summary-range").InnerTextAsync());
        await page.GoBackAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator("#summary-range")).ToHaveTextAsync(zoomed);

        await page.ClickAsync("#reset");
        Assert.Equal(whole, await page.Locator("#summary-range").InnerTextAsync());

        // Back undoes the last zoom.
        await page.GoBackAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator("#summary-range")).ToHaveTextAsync(zoomed);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Everything_is_reachable_by_keyboard()
    {
        var report = await Open(pages.Browser, pages.Page);
        var page = report.Page;
        // Tab reaches the charts.
        bool reached = false;
        for (int i = 0; i < 40 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<bool>("() => document.activeElement?.matches('figure.chart svg') === true");
        }

        Assert.True(reached, "no chart takes the focus");
        // Legends are buttons on the way (hide a series); the request size's discards start hidden: 1 MB beside 8 kB.
        Assert.Equal("false", await page.Locator("figure[data-chart='size'] .item[data-column='dareq-sz']").First.GetAttributeAsync("aria-pressed"));
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("+");
        string zoomed = await page.Locator("#summary-range").InnerTextAsync();
        Assert.DoesNotContain("(600 samples)", zoomed, StringComparison.Ordinal);
        await page.Keyboard.PressAsync("-");
        await page.Keyboard.PressAsync("Escape");
        Assert.Contains("(600 samples)", await page.Locator("#summary-range").InnerTextAsync(), StringComparison.Ordinal);

        // The summary table sorts from the keyboard.
        var header = page.Locator("#summary-table th[data-column='6']");
        await header.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("descending", await header.GetAttributeAsync("aria-sort"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Devices_are_chosen_several_at_once_and_zero_is_said()
    {
        var report = await Open(pages.Browser, pages.Page);
        var page = report.Page;
        await page.Locator("#devices input[value='sdb']").CheckAsync();
        await page.Locator("#devices input[value='sda1']").CheckAsync();
        Assert.Equal(4, await page.Locator("section.device").CountAsync());
        var quiet = page.Locator("section.device[data-device='sdb']");
        // Charts far below the window are drawn as they come near it.
        await quiet.Locator("figure").Last.ScrollIntoViewIfNeededAsync();
        await Microsoft.Playwright.Assertions.Expect(quiet.Locator("text.empty", new() { HasTextString = "all zero in this range" })).ToHaveCountAsync(Charts.Length);
        Assert.Equal("0 throughout", await quiet.Locator(".item[data-column='%util'] .value").InnerTextAsync());
        Assert.Equal("0 throughout", await page.Locator("#cpu .item[data-column='%steal'] .value").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#cpu path.series[data-column='%steal']").CountAsync());
        string devices = Uri.UnescapeDataString(Regex.Match(page.Url, "devices=([^&]*)").Groups[1].Value);
        Assert.Equal(["nvme0n1", "sda", "sda1", "sdb"], devices.Split(',').Order(StringComparer.Ordinal));

        await page.Locator("#devices input[value='nvme0n1']").UncheckAsync();
        Assert.Equal(3, await page.Locator("section.device").CountAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_legend_click_hides_a_series_on_every_device()
    {
        var report = await Open(pages.Browser, pages.Page);
        var page = report.Page;
        var writes = page.Locator("section.device[data-device='sda'] figure[data-chart='throughput'] .item[data-column='wkB/s']");
        await writes.ClickAsync();
        Assert.Equal(0, await page.Locator("figure[data-chart='throughput'] path.series[data-column='wkB/s']").CountAsync());
        Assert.Equal("false", await writes.GetAttributeAsync("aria-pressed"));
        Assert.Contains("throughput:wkB/s", Uri.UnescapeDataString(Regex.Match(page.Url, "hide=([^&]*)").Groups[1].Value).Split(','));
        await writes.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal(2, await page.Locator("figure[data-chart='throughput'] path.series[data-column='wkB/s']").CountAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Every_state_field_comes_back_from_its_link()
    {
        var report = await Open(pages.Browser, pages.Page);
        var page = report.Page;
        await page.Locator("#devices input[value='sdb']").CheckAsync();
        await page.Locator("#devices input[value='nvme0n1']").UncheckAsync();
        await page.Locator("#cpu .item[data-column='%idle']").ClickAsync(); // shown: hide= says none hidden but discards
        await page.Locator("section.device[data-device='sda'] figure[data-chart='iops'] .item[data-column='w/s']").ClickAsync();
        await page.Locator("section.device[data-device='sda'] figure[data-chart='util'] svg").FocusAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("+");
        await page.FillAsync("#find", "r_await");
        await page.PressAsync("#find", "Enter");
        await page.SelectOptionAsync("#layout", "compare");
        string fragment = new Uri(page.Url).Fragment;
        foreach (string field in new[] { "devices=sda%2Csdb", "from=", "to=", "column=r_await", "hide=", "layout=compare" })
        {
            Assert.Contains(field, fragment, StringComparison.Ordinal);
        }

        string range = await page.Locator("#range").InnerTextAsync();
        var again = (await Open(pages.Browser, pages.Page, fragment: fragment)).Page;
        Assert.Equal(fragment, new Uri(again.Url).Fragment); // read, applied and written back the same
        Assert.Equal(range, await again.Locator("#range").InnerTextAsync());
        Assert.Equal(["sda", "sdb"], await again.Locator("#devices input:checked").EvaluateAllAsync<string[]>("i => i.map(x => x.value)"));
        Assert.Equal("compare", await again.InputValueAsync("#layout"));
        Assert.Equal("r_await", await again.InputValueAsync("#find"));
        Assert.Equal("true", await again.Locator("#cpu .item[data-column='%idle']").GetAttributeAsync("aria-pressed"));
        await again.SelectOptionAsync("#layout", "device");
        Assert.Equal("false", await again.Locator("section.device[data-device='sdb'] figure[data-chart='iops'] .item[data-column='w/s']").GetAttributeAsync("aria-pressed"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Devices_side_by_side_one_chart_a_column()
    {
        var report = await Open(pages.Browser, pages.Page);
        var page = report.Page;
        await page.Locator("#devices input[value='sdb']").CheckAsync();
        await page.SelectOptionAsync("#layout", "compare");
        var figures = page.Locator("section.compare figure");
        Assert.Equal(10, await figures.CountAsync());
        Assert.Equal(["sda", "nvme0n1", "sdb"], await figures.First.Locator(".item").EvaluateAllAsync<string[]>("i => i.map(x => x.dataset.series)"));
        Assert.Equal("rkB/s", await figures.First.Locator("pre.explain").GetAttributeAsync("data-column"));
        Assert.Equal(2, await page.Locator("section.compare figure[data-chart='compare-%util'] path.series").CountAsync()); // sdb: 0 throughout
        Assert.Contains("layout=compare", page.Url, StringComparison.Ordinal);

        var again = await Open(pages.Browser, pages.Page, fragment: new Uri(page.Url).Fragment);
        Assert.Equal(10, await again.Page.Locator("section.compare figure").CountAsync());
        await page.SelectOptionAsync("#layout", "device");
        Assert.Equal(3, await page.Locator("section.device").CountAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Old_column_names_lead_to_todays_chart()
    {
        var report = await Open(pages.Browser, pages.Page);
        var page = report.Page;
        await page.FillAsync("#find", "avgqu-sz");
        await page.PressAsync("#find", "Enter");
        string found = await page.Locator("#found").InnerTextAsync();
        Assert.Contains("avgqu-sz is an older sysstat's name; the page shows aqu-sz", found, StringComparison.Ordinal);
        Assert.Contains("became:", found, StringComparison.Ordinal);
        Assert.True(await page.Locator("figure.found[data-chart='queue']").CountAsync() > 0);

        await page.FillAsync("#find", "rsec/s");
        await page.PressAsync("#find", "Enter");
        Assert.Contains("rsec/s = rkB/s × 2", await page.Locator("#found").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Few_samples_are_marked_and_the_width_follows_the_window()
    {
        var report = await Open(pages.Browser, pages.Machine, width: 700);
        var page = report.Page;
        Assert.True(await page.Locator("#cpu circle").CountAsync() > 0, "two intervals: each point marked");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling");
        double width = await page.Locator("#cpu figure svg").EvaluateAsync<double>("s => s.getBoundingClientRect().width");
        Assert.InRange(width, 240, 690);
        await page.SetViewportSizeAsync(1400, 1000);
        await page.WaitForFunctionAsync("() => document.querySelector('#cpu figure svg').getBoundingClientRect().width > 300");
        await report.ScreenshotAsync("iostat-machine.png");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_long_recording_keeps_its_one_second_spike()
    {
        var report = await Open(pages.Browser, pages.Long);
        var page = report.Page;
        Assert.Contains("20,000 intervals", await page.Locator("#title").InnerTextAsync(), StringComparison.Ordinal);
        // Downsampled to the pixel columns, yet the spike's height is drawn: the r/s line reaches the top of its axis.
        var figure = page.Locator("section.device[data-device='sda'] figure[data-chart='iops']");
        int points = await figure.Locator("path.series[data-column='r/s']").EvaluateAsync<int>("p => (p.getAttribute('d').match(/[ML]/g) || []).length");
        Assert.InRange(points, 100, 20_000 / 4);
        double pathTop = await figure.Locator("path.series[data-column='r/s']").EvaluateAsync<double>("p => p.getBBox().y");
        double axisTop = await figure.Locator("svg .grid line").Last.EvaluateAsync<double>("l => Number(l.getAttribute('y1'))");
        Assert.True(pathTop <= axisTop + 30, $"spike drawn up to {pathTop}, axis top at {axisTop}");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Device_names_from_a_recording_are_text_never_markup()
    {
        const string Name = "<img src=x onerror=alert(1)>\"';";
        string rec = Path.Combine(pages.Folder, "hostile.rec");
        using (var file = File.Create(rec))
        {
            for (int i = 0; i < 3; i++)
            {
                byte[] B(string t) => System.Text.Encoding.UTF8.GetBytes(t);
                string stat = $"{100 * i} 0 {800 * i} {10 * i} 0 0 0 0 0 {100 * i} {10 * i}\n";
                new Kashika.Core.IoStat.Recording(IoStatRecordings.Start + (i * 1000L), [
                    ("proc/uptime", B($"{100 + i}.00 1.00\n")), ("proc/stat", B($"cpu  {i} 0 0 {10 * i} 0 0 0 0 0 0\n")),
                    ($"sys/block/{Name}/stat", B(stat)),
                ]).AppendTo(file);
            }
        }

        KashikaProcess.Succeed(pages.Folder, "iostat", "--replay", "hostile.rec", "--format", "html", "-o", "hostile.html");
        var report = await Open(pages.Browser, Path.Combine(pages.Folder, "hostile.html"));
        Assert.Equal(Name, await report.Page.Locator("section.device h2").InnerTextAsync());
        Assert.Equal(0, await report.Page.Locator("img").CountAsync());
        await report.Page.Locator("#devices input").First.UncheckAsync();
        await report.Page.Locator("#devices input").First.CheckAsync();
        Assert.Equal(1, await report.Page.Locator("section.device").CountAsync());
        Assert.Empty(report.Errors);
    }

    // A readout or table cell as a number: "1,234.50 requests/s" → 1234.5.
    private static double Number(string text) =>
        double.Parse(NumberPart().Match(text.Replace(",", "", StringComparison.Ordinal)).Value, CultureInfo.InvariantCulture);

    private static async Task<string> SummaryCell(Microsoft.Playwright.IPage page, string device, string column, int cell) =>
        await page.Locator("#summary-table tbody tr").Filter(new() { Has = page.Locator($"td:nth-child(1):text-is('{device}')") })
            .Filter(new() { Has = page.Locator($"td:nth-child(2):text-is('{column}')") }).Locator($"td:nth-child({cell + 1})").InnerTextAsync();

    [GeneratedRegex(@"^\d\d:\d\d:\d\d$")]
    private static partial Regex Clock();

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex NumberPart();

    [GeneratedRegex(@"\(([\d,]+) samples\)")]
    private static partial Regex Samples();
}
