using System.Globalization;
using System.Text;
using Kashika.Testing;
using Microsoft.Playwright;

namespace Kashika.BrowserTests;

/// <summary>
/// Trace pages made by the real CLI from a perf script text written here (cpu-clock, 1 ms a sample):
/// app 100/101 at 10.1 s: main;work;leaf_a ×6, main;work;shared ×2; app 100/102 at 11.2 s: main;idle;shared ×4;
/// other 200/200 at 11.7 s: start;recurse;recurse;recurse;do_syscall_64 (kernel) ×3; and at 10.5 s app 100/101 samples
/// under main with hostile names (a script tag, U+2028, invalid UTF-8, 10 kB). 19 ms in all.
/// </summary>
public sealed class TracePages : IAsyncLifetime
{
    public const string Script = "</script><img src=x onerror=alert(1)>";

    private readonly TempDirectory dir = new();

    public Browser Browser { get; } = new();

    public string Page => dir.Combine("trace.html");

    public string Diff => dir.Combine("diff.html");

    /// <summary>Folded input: main's children are 3,000 one-sample functions around three wide ones, far too narrow to draw.</summary>
    public string Narrow => dir.Combine("narrow.html");

    private static byte[] Sample(string comm, string pidTid, string time, params string[] rootFirst)
    {
        var text = new StringBuilder($"{comm} {pidTid} [000] {time}: 1000000 cpu-clock:pppH:\n");
        foreach (string frame in rootFirst.Reverse())
        {
            text.Append(frame == "do_syscall_64" ? "\tffffffff81000000 do_syscall_64 ([kernel.kallsyms])\n" : $"\t4005d0 {frame} (/usr/bin/app)\n");
        }

        return [.. Encoding.UTF8.GetBytes(text.Append('\n').ToString()).Select(b => b == (byte)'~' ? (byte)0xff : b)];
    }

    public static byte[] After()
    {
        var samples = new List<byte[]>();
        for (int i = 0; i < 6; i++)
        {
            samples.Add(Sample("app", "100/101", $"10.1{i:00}000", "main", "work", "leaf_a"));
        }

        samples.Add(Sample("app", "100/101", "10.110000", "main", "work", "shared"));
        samples.Add(Sample("app", "100/101", "10.111000", "main", "work", "shared"));
        for (int i = 0; i < 4; i++)
        {
            samples.Add(Sample("app", "100/102", $"11.2{i:00}000", "main", "idle", "shared"));
        }

        for (int i = 0; i < 3; i++)
        {
            samples.Add(Sample("other", "200/200", $"11.7{i:00}000", "start", "recurse", "recurse", "recurse", "do_syscall_64"));
        }

        foreach (string hostile in new[] { Script, "line\u2028separator", "bad~name", new string('x', 10_000) })
        {
            samples.Add(Sample("app", "100/101", "10.500000", "main", hostile));
        }

        return [.. samples.SelectMany(s => s)];
    }

    // BEFORE: work was heavier (leaf_a ×12), idle did not exist, gone_fn did.
    public static byte[] Before()
    {
        var samples = new List<byte[]>();
        for (int i = 0; i < 12; i++)
        {
            samples.Add(Sample("app", "100/101", $"10.1{i:00}000", "main", "work", "leaf_a"));
        }

        samples.Add(Sample("app", "100/101", "10.300000", "main", "gone_fn"));
        samples.Add(Sample("other", "200/200", "11.700000", "start", "recurse", "do_syscall_64"));
        return [.. samples.SelectMany(s => s)];
    }

    public async ValueTask InitializeAsync()
    {
        File.WriteAllBytes(dir.Combine("after.txt"), After());
        File.WriteAllBytes(dir.Combine("before.txt"), Before());
        KashikaProcess.Succeed(dir.Path, "trace", "after.txt", "-o", "trace.html");
        KashikaProcess.Succeed(dir.Path, "trace", "diff", "before.txt", "after.txt", "-o", "diff.html");
        var folded = new StringBuilder();
        for (int i = 0; i < 3000; i++)
        {
            folded.Append($"app;main;f{i:0000} 1\n");
        }

        folded.Append("app;main;f0500w 3000\napp;main;f1500w 3000\napp;main;f2500w 3000\n");
        File.WriteAllText(dir.Combine("narrow.folded"), folded.ToString());
        KashikaProcess.Succeed(dir.Path, "trace", "narrow.folded", "-o", "narrow.html");
        await Browser.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        dir.Dispose();
    }
}

public sealed class TracePageTests(TracePages pages) : IClassFixture<TracePages>
{
    private static Task<string[]> Names(IPage page, string selector) =>
        page.EvaluateAsync<string[]>($"() => [...document.querySelectorAll(\"{selector}\")].map(e => e.dataset.name)");

    // The process level of the flame graph: the children of "all".
    private static Task<string[]> RootChildren(IPage page) => Names(page, "#view g.frame[data-depth='1']");

    private static Task<string> Summary(IPage page) => page.Locator("#summary").InnerTextAsync();

    private async Task<ReportPage> Open(string? fragment = null)
    {
        var report = await pages.Browser.OpenAsync(pages.Page, fragment: fragment ?? "");
        await report.Page.WaitForSelectorAsync("body[data-ready]");
        return report;
    }

    [Fact]
    public async Task Every_view_draws_the_same_profile()
    {
        var report = await Open();
        var page = report.Page;
        Assert.Equal(["app 100", "other 200"], (await RootChildren(page)).Order());
        Assert.StartsWith("19 ms of cpu-clock shown", await Summary(page), StringComparison.Ordinal);

        await page.ClickAsync("#views button[data-view='icicle']");
        Assert.Equal(["app 100", "other 200"], (await RootChildren(page)).Order());
        // Icicle: the root on top.
        float rootY = await page.EvaluateAsync<float>("() => document.querySelector(\"#view g.frame[data-depth='0']\").getBoundingClientRect().y");
        float childY = await page.EvaluateAsync<float>("() => document.querySelector(\"#view g.frame[data-depth='1']\").getBoundingClientRect().y");
        Assert.True(rootY < childY);

        await page.ClickAsync("#views button[data-view='sunburst']");
        Assert.Equal(["app 100", "other 200"], (await Names(page, "#view path.frame[data-depth='1']")).Order());
        var (x, y) = await report.PointAsync("#view path.frame[data-name='other 200']", "data-cx", "data-cy");
        await page.Mouse.MoveAsync(x, y);
        Assert.Equal("15.8%", await page.Locator("#view text.centre").TextContentAsync()); // 3 of 19, the original's centre figure
        Assert.Contains("other", await page.Locator("#breadcrumb").InnerTextAsync(), StringComparison.Ordinal);
        await report.ScreenshotAsync("trace-sunburst.png");

        await page.ClickAsync("#views button[data-view='table']");
        var work = page.Locator("table.functions tr", new() { HasText = "work" }).First;
        Assert.Equal(["work", "0", "0.0%", "8", "42.1%"], await work.Locator("td").AllInnerTextsAsync());
        await page.ClickAsync("table.functions th[data-sort='self']");
        Assert.StartsWith("leaf_a", await page.Locator("table.functions tbody tr").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Clicking_zooms_with_breadcrumb_share_and_escape()
    {
        var report = await Open();
        var page = report.Page;
        await page.ClickAsync("#view g.frame[data-name='work']");
        Assert.Equal("work", await page.Locator("#view g.frame.zoomed").GetAttributeAsync("data-name"));
        Assert.Equal(["all", "app 100", "main", "work"], await page.Locator("#breadcrumb button").AllInnerTextsAsync());
        Assert.Equal("work: 42.1% of all", await page.Locator("#zoom-share").InnerTextAsync());
        // The zoomed frame spans the width; its children share it: leaf_a is 6 of work's 8.
        await page.HoverAsync("#view g.frame[data-name='leaf_a']");
        string tip = await page.Locator(".tooltip").InnerTextAsync();
        Assert.Contains("total 6 ms of cpu-clock · 31.6% of all · 75.0% of work", tip, StringComparison.Ordinal);
        Assert.Contains("module /usr/bin/app · user frame", tip, StringComparison.Ordinal);
        Assert.Contains("focus on it", (await page.Locator("#panel").InnerTextAsync()).ToLowerInvariant(), StringComparison.Ordinal);

        await page.Keyboard.PressAsync("Escape");
        Assert.Equal("main", await page.Locator("#view g.frame.zoomed").GetAttributeAsync("data-name"));
        await page.ClickAsync("#reset");
        Assert.Equal("all", await page.Locator("#view g.frame.zoomed").GetAttributeAsync("data-name"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Search_highlights_in_every_view_and_counts_each_sample_once()
    {
        var report = await Open();
        var page = report.Page;
        await page.Keyboard.PressAsync("/");
        await page.Keyboard.TypeAsync("^(leaf_a|shared|main)$");
        Assert.Equal("matched 16 ms of cpu-clock · 84.2% of shown", await page.Locator("#matched").InnerTextAsync());
        Assert.Equal(["leaf_a", "main", "shared", "shared"], (await Names(page, "#view g.frame.match")).Order());
        await page.ClickAsync("#views button[data-view='sunburst']");
        Assert.Equal(4, await page.Locator("#view path.frame.match").CountAsync());
        await page.FillAsync("#search", "(");
        Assert.Equal("not a regular expression", await page.Locator("#matched").InnerTextAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Callers_and_callees_match_the_folded_data()
    {
        var report = await Open("#v=sandwich&f=shared");
        var page = report.Page;
        Assert.Equal("shared: 6 ms of cpu-clock (31.6% of all)", await page.Locator(".sandwich-title").InnerTextAsync());
        // folded: app;main;work;shared 2, app;main;idle;shared 4
        Assert.Equal(["idle", "work"], (await Names(page, "#callers g.frame[data-depth='1']")).Order());
        await page.HoverAsync("#callers g.frame[data-name='idle']");
        Assert.Contains("4 ms of cpu-clock · 66.7% of shared", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(["main", "main"], await Names(page, "#callers g.frame[data-depth='2']")); // above work and above idle
        Assert.Empty(await Names(page, "#callees g.frame[data-depth='1']"));
        await report.ScreenshotAsync("trace-sandwich.png");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task The_inverted_view_has_each_running_function_at_the_top_with_its_self_time()
    {
        var report = await Open();
        var page = report.Page;
        await page.ClickAsync("#views button[data-view='table']");
        var table = await page.EvaluateAsync<string[][]>("() => [...document.querySelectorAll('table.functions tbody tr')].map(r => [...r.cells].map(c => c.textContent))");
        var selfTimes = table.Where(r => r[1] != "0").ToDictionary(r => r[0], r => double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture));

        await page.ClickAsync("#views button[data-view='inverted']");
        Assert.Contains("inverted", page.Url, StringComparison.Ordinal);
        var tops = await page.EvaluateAsync<Dictionary<string, double>>(
            "() => Object.fromEntries([...document.querySelectorAll(\"#view g.frame[data-depth='1']\")].map(g => [g.__data__.node.name, g.__data__.node.value]))");
        Assert.Equal(selfTimes.Keys.Order(), tops.Keys.Order());
        Assert.All(selfTimes, f => Assert.Equal(f.Value, tops[f.Key] / 1_000_000)); // the profile's weights are ns; the table shows ms
        // Below a running function, its callers, then the process: shared ← work|idle ← main ← app 100.
        Assert.Equal(["idle", "work"], (await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll(\"#view g.frame[data-depth='2']\")].filter(g => g.__data__.node.parent.name === 'shared').map(g => g.__data__.node.name)")).Order());
        await page.HoverAsync("#view g.frame[data-depth='1'][data-name='shared']");
        Assert.Contains("running (self) 6 ms of cpu-clock · 31.6% of all", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        // The root on top, as an icicle; a click zooms within the inverted tree, and the link reopens it.
        await page.ClickAsync("#view g.frame[data-depth='1'][data-name='shared']");
        Assert.Contains("shared", await page.Locator("#breadcrumb").InnerTextAsync(), StringComparison.Ordinal);
        var again = await Open(new Uri(page.Url).Fragment);
        Assert.Equal(["idle", "work"], (await Names(again.Page, "#view g.frame[data-depth='2']:not(.ancestor)")).Order());
        await report.ScreenshotAsync("trace-inverted.png");
        Assert.Empty(report.Errors);
        Assert.Empty(again.Errors);
    }

    [Fact]
    public async Task The_graph_saves_as_svg_and_png_and_the_functions_as_csv()
    {
        var report = await Open();
        var page = report.Page;
        var (svgName, svg) = await report.DownloadAsync(".export button[data-export='svg']");
        Assert.Equal("after.txt-flame.svg", svgName);
        var document = System.Xml.Linq.XDocument.Parse(Encoding.UTF8.GetString(svg)); // well-formed, self-contained
        var texts = document.Descendants("{http://www.w3.org/2000/svg}text").Select(t => t.Value).ToList();
        foreach (string label in (string[])["all", "app 100", "main", "work"])
        {
            Assert.Contains(label, texts);
        }

        Assert.Contains("fill:", document.Descendants("{http://www.w3.org/2000/svg}rect").Skip(1).First().Attribute("style")!.Value, StringComparison.Ordinal);
        var box = await page.Locator("#view svg").BoundingBoxAsync();
        var (pngName, png) = await report.DownloadAsync(".export button[data-export='png']");
        Assert.Equal("after.txt-flame.png", pngName);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        // Width and height in the IHDR chunk: twice the chart's, with its title and legend (42 px) above.
        Assert.Equal((int)Math.Round(box!.Width) * 2, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(((int)Math.Round(box.Height) + 42) * 2, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.Contains("Kashika trace: after.txt · Flame graph · ms of cpu-clock", texts);
        Assert.Contains("kernel", texts); // the legend

        await page.ClickAsync("#views button[data-view='table']");
        Assert.True(await page.Locator(".export button[data-export='svg']").IsDisabledAsync()); // a table is no picture
        var (csvName, csv) = await report.DownloadAsync(".export button[data-export='csv']");
        Assert.Equal("after.txt-table.csv", csvName);
        string[] lines = Encoding.UTF8.GetString(csv).Split("\r\n");
        Assert.Equal("function,module,kind,self (ms of cpu-clock),total (ms of cpu-clock)", lines[0]);
        Assert.Contains("work,/usr/bin/app,user,0,8", lines);
        Assert.Contains("leaf_a,/usr/bin/app,user,6,6", lines);
        Assert.Contains($"{TracePages.Script},/usr/bin/app,user,1,1", lines); // a hostile name is a cell like any other
        Assert.Empty(report.Errors);
    }

    [Theory]
    [InlineData("focus", "work", "8 ms", "work")]
    [InlineData("drop", "idle", "15 ms", "app 100 other 200")]
    [InlineData("merge", "work", "19 ms", "app 100 other 200")]
    [InlineData("recursion", "recurse", "19 ms", "app 100 other 200")]
    public async Task Each_transform_is_a_chip_that_undoes(string transform, string frame, string total, string rootChildren)
    {
        var report = await Open();
        var page = report.Page;
        await page.ClickAsync($"#view g.frame[data-name='{frame}']");
        await page.ClickAsync($"#panel button[data-transform='{transform}']");
        Assert.StartsWith($"{total} of cpu-clock shown", await Summary(page), StringComparison.Ordinal);
        Assert.Equal(rootChildren, string.Join(' ', (await RootChildren(page)).Order()));
        Assert.Equal(1, await page.Locator("#chips .chip").CountAsync());
        if (transform == "merge")
        {
            var underMain = await Names(page, "#view g.frame[data-depth='3']");
            Assert.Contains("leaf_a", underMain);
            Assert.Contains("idle", underMain);
            Assert.DoesNotContain("work", underMain);
        }
        else if (transform == "recursion")
        {
            Assert.Equal(["recurse"], await Names(page, "#view g.frame[data-name='recurse']"));
        }

        await page.ClickAsync("#undo");
        Assert.StartsWith("19 ms of cpu-clock shown", await Summary(page), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#chips .chip").CountAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Threads_filter_merge_and_split()
    {
        var report = await Open();
        var page = report.Page;
        Assert.Equal(["app 100/101", "app 100/102", "other 200/200"], (await page.Locator("label.thread .name").AllInnerTextsAsync()).Order());
        await page.Locator("label.thread[data-thread='other-200/200'] input").UncheckAsync();
        Assert.StartsWith("16 ms of cpu-clock shown", await Summary(page), StringComparison.Ordinal);
        Assert.Equal(["app 100"], await RootChildren(page));
        await page.CheckAsync("#split");
        Assert.Equal(["app 100/101", "app 100/102"], (await RootChildren(page)).Order());
        await page.ClickAsync("#all-threads");
        Assert.Equal(3, (await RootChildren(page)).Length);
        // A process frame's panel hides the process (a thread filter, shown unticked in the list).
        await page.UncheckAsync("#split");
        await page.ClickAsync("#view g.frame[data-name='other 200']");
        await page.ClickAsync("#panel button[data-action='hide']");
        Assert.Equal(["app 100"], await RootChildren(page));
        Assert.False(await page.Locator("label.thread[data-thread='other-200/200'] input").IsCheckedAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_time_range_chosen_on_the_heat_map_filters_every_view()
    {
        var report = await Open();
        var page = report.Page;
        // Slices of 20 ms from 10 s: app 100/101 at slices 5 (10.1 s) and 25 (10.5 s), app 100/102 at 60, other at 85.
        Assert.Equal(["5", "25", "60", "85"], await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#heatmap path.cells')].flatMap(p => p.dataset.slices.split(' ')).sort((a, b) => a - b)"));
        // A cell says when it is and how much ran in it.
        var cell = await CellAt(page, 25);
        await page.Mouse.MoveAsync(cell[0] + 2, cell[1] + 2);
        Assert.StartsWith("0.50 s from the start (perf time 10.500 s): ", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        await Drag(page, 5, 25);
        Assert.StartsWith("12 ms of cpu-clock shown of 19 ms", await Summary(page), StringComparison.Ordinal);
        Assert.Equal(["app 100"], await RootChildren(page));
        Assert.Contains("0.10 s – 0.52 s", await page.Locator("#range").InnerTextAsync(), StringComparison.Ordinal);
        await report.ScreenshotAsync("trace-flame.png");
        await page.ClickAsync("#clear-range");
        Assert.StartsWith("19 ms of cpu-clock shown", await Summary(page), StringComparison.Ordinal);
        Assert.Empty(report.Errors);
    }

    // Drags on the heat map from one slice to another (both must have samples, to have cells).
    private static async Task Drag(IPage page, int from, int to)
    {
        var a = await CellAt(page, from);
        var b = await CellAt(page, to);
        await page.Mouse.MoveAsync(a[0] + 1, a[1] + 1);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(b[0] + 1, b[1] + 1);
        await page.Mouse.UpAsync();
    }

    // Where a slice's cell is on the screen (the map says where its cells are; a slice without samples has none).
    private static async Task<float[]> CellAt(IPage page, int slice)
    {
        Assert.Contains(slice.ToString(CultureInfo.InvariantCulture), await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#heatmap path.cells')].flatMap(p => p.dataset.slices.split(' '))"));
        return await page.EvaluateAsync<float[]>(
            """
            slice => {
              const svg = document.querySelector('#heatmap svg'), box = svg.getBoundingClientRect(), d = svg.dataset;
              return [box.x + +d.left + Math.floor(slice / +d.rows) * +d.cell, box.y + (slice % +d.rows) * +d.row];
            }
            """, slice);
    }

    [Fact]
    public async Task Two_ranges_of_one_recording_compare_as_a_diff_of_b_against_a()
    {
        var report = await Open();
        var page = report.Page;
        // A: the first second (slices 5 and 25: app 100/101, leaf_a 6, shared 2, four hostile names 1 each: 12 ms);
        // B: the second (slices 60 and 85: app 100/102, idle;shared 4, other's recursion 3: 7 ms).
        await Drag(page, 5, 25);
        await page.ClickAsync("#compare-range");
        Assert.Contains("range A: 0.10 s – 0.52 s; drag range B", await page.Locator("#range").InnerTextAsync(), StringComparison.Ordinal);
        Assert.StartsWith("19 ms of cpu-clock shown", await Summary(page), StringComparison.Ordinal); // B not chosen yet: everything
        await Drag(page, 60, 85);
        Assert.StartsWith("range A: 12 ms of cpu-clock · range B: 7 ms of cpu-clock shown of 19 ms", await Summary(page), StringComparison.Ordinal);
        Assert.Equal(21, await page.Locator("path.compared").EvaluateAsync<int>("p => p.getAttribute('d').match(/M/g).length")); // A outlined apart: slices 5 to 25
        Assert.Contains("ca=5-26", page.Url, StringComparison.Ordinal);

        await page.ClickAsync("#views button[data-view='table']");
        async Task<string> Change(string function) =>
            (await page.Locator("table.functions tr", new() { HasText = function }).First.Locator("td").AllInnerTextsAsync())[^1];
        Assert.Equal("-50.00", await Change("leaf_a")); // 6 of 12 in A, none in B
        Assert.Equal("+57.14", await Change("idle")); // none in A, 4 of 7 in B
        Assert.Equal("+40.48", await Change("shared")); // 2 of 12 → 4 of 7
        await page.ClickAsync("#views button[data-view='flame']");
        await page.HoverAsync("#view g.frame[data-name='idle']");
        Assert.Contains("only in RANGE B (new)", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("work", await page.Locator("#gone").InnerTextAsync(), StringComparison.Ordinal); // only in A
        Assert.Equal("Only in RANGE A", await page.Locator("#gone-section h2").InnerTextAsync());

        // The link reopens the comparison; "Whole profile" ends it.
        var again = await Open(new Uri(page.Url).Fragment);
        Assert.StartsWith("range A: 12 ms", await Summary(again.Page), StringComparison.Ordinal);
        await page.ClickAsync("#clear-range");
        Assert.StartsWith("19 ms of cpu-clock shown", await Summary(page), StringComparison.Ordinal);
        Assert.False(await page.Locator("#gone-section").IsVisibleAsync());
        Assert.Empty(report.Errors);
        Assert.Empty(again.Errors);
    }

    [Fact]
    public async Task The_url_keeps_view_zoom_search_transforms_and_filters()
    {
        var report = await Open();
        var page = report.Page;
        await page.ClickAsync("#view g.frame[data-name='work']");
        await page.FillAsync("#search", "leaf");
        await page.ClickAsync("#panel button[data-transform='drop']");
        await page.Locator("label.thread[data-thread='other-200/200'] input").UncheckAsync();
        await page.ClickAsync("#views button[data-view='icicle']");
        await page.SelectOptionAsync("#colour", "module");
        string url = page.Url;

        int hash = url.IndexOf('#', StringComparison.Ordinal);
        var again = await pages.Browser.OpenAsync(pages.Page, fragment: url[hash..]);
        var copy = again.Page;
        await copy.WaitForSelectorAsync("body[data-ready]");
        Assert.Equal("true", await copy.Locator("#views button[data-view='icicle']").GetAttributeAsync("aria-pressed"));
        Assert.Equal("leaf", await copy.Locator("#search").InputValueAsync());
        Assert.Equal("module", await copy.Locator("#colour").InputValueAsync());
        Assert.Equal("drop work", await copy.Locator("#chips .chip b").InnerTextAsync());
        Assert.StartsWith("8 ms of cpu-clock shown", await Summary(copy), StringComparison.Ordinal); // 16 of app, without work's 8
        Assert.False(await copy.Locator("label.thread[data-thread='other-200/200'] input").IsCheckedAsync());
        Assert.Empty(report.Errors);
        Assert.Empty(again.Errors);
    }

    [Theory]
    [InlineData("v=inverted&z=%5B%22shared%22%5D&q=leaf&t=%5B%7B%22type%22%3A%22drop%22%2C%22name%22%3A%22recurse%22%7D%5D&th=%5B%22app-100%2F102%22%5D&sp=1&r=5-100&c=module")]
    [InlineData("v=sandwich&r=60-86&ca=5-26&f=shared")]
    [InlineData("v=table")]
    public async Task Every_state_field_comes_back_from_its_link(string fragment)
    {
        var report = await Open($"#{fragment}");
        var page = report.Page;
        Assert.Equal($"#{fragment}", new Uri(page.Url).Fragment); // read, applied and written back the same
        var parameters = System.Web.HttpUtility.ParseQueryString(fragment);
        Assert.Equal("true", await page.Locator($"#views button[data-view='{parameters["v"]}']").GetAttributeAsync("aria-pressed"));
        Assert.Equal(parameters["q"] ?? "", await page.Locator("#search").InputValueAsync());
        Assert.Equal(parameters["sp"] == "1", await page.Locator("#split").IsCheckedAsync());
        Assert.Equal(parameters["c"] ?? "kind", await page.Locator("#colour").InputValueAsync());
        if (parameters["ca"] is not null)
        {
            Assert.StartsWith("range A: ", await Summary(page), StringComparison.Ordinal);
            Assert.Contains("shared", await page.Locator(".sandwich-title").InnerTextAsync(), StringComparison.Ordinal);
        }

        if (parameters["th"] is not null)
        {
            Assert.False(await page.Locator("label.thread[data-thread='app-100/102'] input").IsCheckedAsync());
            Assert.Equal("drop recurse", await page.Locator("#chips .chip b").InnerTextAsync());
            Assert.Contains("shared", await page.Locator("#breadcrumb").InnerTextAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_tall_flame_graph_opens_with_its_root_on_screen_at_1366_by_768()
    {
        // One stack 120 frames deep beside a short one: 2,200 px of flame graph.
        string deep = string.Join(';', Enumerable.Range(1, 120).Select(i => $"f{i}"));
        string folded = Path.Combine(Path.GetDirectoryName(pages.Page)!, "deep.folded");
        File.WriteAllText(folded, $"app;{deep} 5\napp;main 3\n");
        KashikaProcess.Succeed(Path.GetDirectoryName(pages.Page)!, "trace", "deep.folded", "-o", "deep.html");
        var report = await pages.Browser.OpenAsync(Path.ChangeExtension(folded, ".html"), 1366, 768);
        await report.Page.WaitForSelectorAsync("body[data-ready]");
        await report.Page.WaitForTimeoutAsync(100); // the scroll waits for the frame to be laid out
        var root = await report.Page.Locator("#view g.frame[data-depth='0']").BoundingBoxAsync();
        Assert.True(root!.Y + root.Height <= 768, $"the root row ends at {root.Y + root.Height} px, below the window");
        Assert.True(root.Y >= 0);

        // Zoomed deep, the zoomed frame is on screen (not the full-width ancestors under it), its callees above it.
        await report.Page.Locator("#view g.frame[data-name='f90']").ClickAsync(new() { Force = true });
        await report.Page.WaitForTimeoutAsync(100);
        var box = await report.Page.Locator("#view").BoundingBoxAsync();
        var zoomed = await report.Page.Locator("#view g.frame.zoomed").BoundingBoxAsync();
        Assert.Equal("f90", await report.Page.Locator("#view g.frame.zoomed").GetAttributeAsync("data-name"));
        Assert.True(zoomed!.Y >= box!.Y && zoomed.Y + zoomed.Height <= box.Y + box.Height, $"the zoomed frame is at {zoomed.Y} px, outside the box {box.Y}–{box.Y + box.Height}");
        var callee = await report.Page.Locator("#view g.frame[data-name='f91']").BoundingBoxAsync();
        Assert.True(callee!.Y >= box.Y, "its callee is above the box's top");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Hostile_names_are_text_and_break_nothing()
    {
        var report = await Open();
        var page = report.Page;
        var names = await Names(page, "#view g.frame");
        Assert.Contains(TracePages.Script, names);
        Assert.Contains("line\u2028separator", names);
        Assert.Contains("bad\u00ffname", names); // the invalid byte shown as Latin-1, never dropped
        Assert.Contains(new string('x', 10_000), names);
        Assert.Equal(0, await page.Locator("img").CountAsync());
        await page.ClickAsync("#views button[data-view='table']");
        Assert.Contains(TracePages.Script, await page.Locator("table.functions").InnerTextAsync(), StringComparison.Ordinal);
        await page.ClickAsync("#views button[data-view='sunburst']");
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task The_diff_page_colours_by_change_of_share_and_lists_what_is_gone()
    {
        var report = await pages.Browser.OpenAsync(pages.Diff);
        var page = report.Page;
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.StartsWith("Kashika trace diff: before.txt → after.txt", await page.Locator("#title").InnerTextAsync(), StringComparison.Ordinal);
        // idle is new: marked, and red (it grew from nothing); work shrank from 12 of 14 to 8 of 19: blue.
        Assert.Equal(1, await page.Locator("#view g.frame.new[data-name='idle']").CountAsync());
        string Fill(string name) => $"() => getComputedStyle(document.querySelector(\"#view g.frame[data-name='{name}'] rect\")).fill";
        string idle = await page.EvaluateAsync<string>(Fill("idle")), work = await page.EvaluateAsync<string>(Fill("work"));
        Assert.True(Rgb(idle).R > Rgb(idle).B, idle);
        Assert.True(Rgb(work).B > Rgb(work).R, work);
        await page.HoverAsync("#view g.frame[data-name='work']");
        string tip = await page.Locator(".tooltip").InnerTextAsync();
        Assert.Contains("before 12 ms of cpu-clock (85.7%) → after 8 ms of cpu-clock (42.1%)", tip, StringComparison.Ordinal);
        Assert.Contains("share -43.61 points", tip, StringComparison.Ordinal);
        Assert.Contains("app → main → gone_fn: 7.14% of BEFORE", await page.Locator("#gone").InnerTextAsync(), StringComparison.Ordinal);
        await report.ScreenshotAsync("trace-diff.png");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Frames_too_narrow_to_draw_become_stubs_that_cover_no_frame()
    {
        var report = await pages.Browser.OpenAsync(pages.Narrow);
        var page = report.Page;
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.Equal(["f0500w", "f1500w", "f2500w"], (await Names(page, "#view g.frame[data-depth='3']:not(.stub)")).Order());
        // Four runs of narrow functions around the three wide ones: four stubs, in the gaps, covering nothing.
        Assert.Equal(4, await page.Locator("#view g.frame.stub").CountAsync());
        int overlaps = await page.EvaluateAsync<int>(@"() => {
            const boxes = [...document.querySelectorAll(""#view g.frame[data-depth='3']"")].map(g => ({ stub: g.classList.contains('stub'), r: g.querySelector('rect').getBoundingClientRect() }));
            let n = 0;
            for (const a of boxes.filter(b => b.stub)) for (const b of boxes.filter(b => !b.stub)) if (a.r.left < b.r.right - 0.5 && b.r.left < a.r.right - 0.5) n++;
            return n;
        }");
        Assert.Equal(0, overlaps);
        await page.HoverAsync("#view g.frame.stub >> nth=0");
        Assert.Contains("frames too narrow to draw, merged here", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("count", await page.Locator("#summary").InnerTextAsync(), StringComparison.Ordinal); // folded input's unit
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task After_a_transform_the_graph_takes_the_whole_width_and_the_heat_map_follows_the_filters()
    {
        var report = await Open();
        var page = report.Page;
        await page.ClickAsync("#view g.frame[data-name='idle']");
        await page.ClickAsync("#panel button[data-transform='drop']");
        Assert.False(await page.Locator("#panel").IsVisibleAsync());
        float view = await page.EvaluateAsync<float>("() => document.getElementById('view').clientWidth");
        float svg = await page.EvaluateAsync<float>("() => document.querySelector('#view svg').getBoundingClientRect().width");
        Assert.True(svg >= view - 20, $"the graph is {svg} px wide in a {view} px view");
        // idle's samples (app 100/102 at slice 60) are gone from the map too.
        Assert.Equal(["5", "25", "85"], await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#heatmap path.cells')].flatMap(p => p.dataset.slices.split(' ')).sort((a, b) => a - b)"));
        await page.Locator("label.thread[data-thread='app-100/101'] input").UncheckAsync();
        Assert.Equal(["85"], await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#heatmap path.cells')].flatMap(p => p.dataset.slices.split(' ')).sort((a, b) => a - b)"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task In_a_diff_a_process_is_filtered_in_both_profiles()
    {
        var report = await pages.Browser.OpenAsync(pages.Diff);
        var page = report.Page;
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.Equal(["app", "other"], (await page.Locator("label.thread .name").AllInnerTextsAsync()).Order());
        await page.Locator("label.thread[data-thread='other'] input").UncheckAsync();
        // BEFORE keeps its app samples (13 ms): not "0", and work is not "new".
        Assert.StartsWith("before: 13 ms of cpu-clock · after: 16 ms of cpu-clock shown", await Summary(page), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#view g.frame.new[data-name='work']").CountAsync());
        Assert.Empty(report.Errors);
    }

    private static (int R, int G, int B) Rgb(string css)
    {
        var parts = css[(css.IndexOf('(', StringComparison.Ordinal) + 1)..css.IndexOf(')', StringComparison.Ordinal)].Split(',').Select(p => int.Parse(p.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1], parts[2]);
    }
}
