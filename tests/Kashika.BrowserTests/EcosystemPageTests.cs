using System.Globalization;
using System.Text.Json;
using Kashika.Testing;
using Microsoft.Playwright;

namespace Kashika.BrowserTests;

/// <summary>The network page of many projects, made once: 320 projects in bands of 16 that share people, and a few
/// people in many bands; twice, to see that communities come out the same.</summary>
public sealed class EcosystemReports : IAsyncLifetime
{
    private readonly TempDirectory dir = new();

    public Browser Browser { get; } = new();

    public string Rankings => dir.Combine("rankings");

    public string Page => dir.Combine("eco.html");

    public string Again => dir.Combine("eco-again.html");

    public string Dir => dir.Path;

    /// <summary>a, b, c by year (--view network): Ann in a and b in 2020, Bob in b and c in 2021.</summary>
    public string Periods => dir.Combine("periods.html");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Rankings);
        for (int p = 0; p < 320; p++)
        {
            int band = p / 16;
            var lines = new List<string>();
            for (int j = 0; j < 5; j++)
            {
                lines.Add($"{1 + ((p * 7 + j * 3) % 23),7} Band{band} Person{j}");
            }

            lines.Add($"{1 + (p % 5),7} Wanderer{p % 9}");
            lines.Add($"{3 + (p % 11),7} Own{p}");
            File.WriteAllText(Path.Combine(Rankings, $"p{p:000}"), string.Join('\n', lines) + "\n");
        }

        KashikaProcess.Succeed(dir.Path, "relate", "--from-ranking", Rankings, "-o", Page);
        KashikaProcess.Succeed(dir.Path, "relate", "--from-ranking", Rankings, "-o", Again);
        foreach (var (repo, name, year) in new[] { ("a", "Ann", 2020), ("b", "Ann", 2020), ("b", "Bob", 2021), ("c", "Bob", 2021) })
        {
            var r = Directory.Exists(dir.Combine(repo)) ? GitRepo.Open(dir.Combine(repo)) : dir.Repo(repo);
            r.GitAs(name, $"{name.ToLowerInvariant()}@example.org", $"{year}-03-01T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "x");
        }

        KashikaProcess.Succeed(dir.Path, "relate", "--no-cache", "--by", "year", "--view", "network", "-o", Periods, "a", "b", "c");
        await Browser.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        dir.Dispose();
    }
}

public sealed class EcosystemPageTests(EcosystemReports reports) : IClassFixture<EcosystemReports>
{
    private static JsonElement Island(string file)
    {
        string html = File.ReadAllText(file);
        int start = html.IndexOf("<script id=\"kashika-data\" type=\"application/json\">", StringComparison.Ordinal);
        start = html.IndexOf('>', start) + 1;
        return JsonDocument.Parse(html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)]).RootElement;
    }

    private static async Task<ReportPage> Ready(ReportPage report)
    {
        await report.Page.WaitForSelectorAsync("body[data-ready]");
        return report;
    }

    [Fact]
    public async Task The_network_is_drawn_with_what_was_kept_said_and_the_same_communities_every_run()
    {
        var data = Island(reports.Page);
        var sparse = data.GetProperty("sparse");
        Assert.Equal(320, sparse.GetProperty("positions").GetArrayLength());
        Assert.Equal(sparse.GetProperty("communities").GetRawText(), Island(reports.Again).GetProperty("sparse").GetProperty("communities").GetRawText());
        Assert.Equal(sparse.GetProperty("positions").GetRawText(), Island(reports.Again).GetProperty("sparse").GetProperty("positions").GetRawText());

        var report = await Ready(await reports.Browser.OpenAsync(reports.Page));
        var page = report.Page;
        Assert.Equal("Kashika relate: 320 projects", await page.TextContentAsync("#title"));
        string subtitle = (await page.TextContentAsync("#subtitle"))!;
        Assert.Contains($"{sparse.GetProperty("keptPairs").GetInt32():N0} of the {sparse.GetProperty("allPairs").GetInt64():N0} pairs that share developers are drawn: each project's 20 strongest", subtitle, StringComparison.Ordinal);
        Assert.True(await page.Locator("#graph canvas").CountAsync() >= 2, "sigma draws on canvases in #graph");

        // Drawn: a picture of the graph is far from blank (a blank area compresses to a few kilobytes).
        byte[] picture = await page.Locator("#graph").ScreenshotAsync();
        Assert.True(picture.Length > 30_000, $"the graph's picture is {picture.Length} bytes");

        // The legend: the communities, named by their biggest projects, with their sizes.
        var members = sparse.GetProperty("communities").EnumerateArray().Select(c => c.GetInt32()).ToList();
        int communities = members.Distinct().Count();
        Assert.Equal(Math.Min(communities, 12), await page.Locator("#communities button").CountAsync());

        // The largest community alone: its panel lists its projects (30 at first); a row opens a project.
        await page.Locator("#communities button").First.ClickAsync();
        Assert.StartsWith("Community 1: ", await page.TextContentAsync("#panel h2"), StringComparison.Ordinal);
        int size = members.Count(c => c == 0);
        Assert.Equal(Math.Min(size, 30), await page.Locator("#panel table.members tbody tr").CountAsync());
        string first = (await page.Locator("#panel table.members tbody tr td").First.TextContentAsync())!;
        await page.Locator("#panel table.members tbody tr").First.ClickAsync();
        Assert.Equal(first, await page.TextContentAsync("#panel h2"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Search_and_a_click_on_a_project_show_its_neighbourhood_as_a_small_run_on_those_projects_relates_it()
    {
        var data = Island(reports.Page);
        var report = await Ready(await reports.Browser.OpenAsync(reports.Page));
        var page = report.Page;

        // The arrow keys go through the results; Enter chooses; a query nothing matches says so.
        await page.FillAsync("#search", "zzz");
        Assert.Equal("no project's name holds this", await page.Locator("#search-results li").First.TextContentAsync());
        await page.FillAsync("#search", "p12");
        await page.PressAsync("#search", "ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        string second = (await page.Locator("#search-results li").Nth(1).TextContentAsync())!;
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync($"() => document.querySelector('#panel h2')?.textContent === '{second.Split(' ')[0]}'");
        await page.FillAsync("#search", "p123");
        Assert.Equal("p123 — 7 developers", await page.Locator("#search-results li").First.TextContentAsync());
        await page.PressAsync("#search", "Enter");
        await page.WaitForSelectorAsync("#panel h2");
        Assert.Equal("p123", await page.TextContentAsync("#panel h2"));
        var neighbours = data.GetProperty("sparse").GetProperty("neighbours")[123].EnumerateArray().Select(n => n.GetInt32()).ToList();
        Assert.True(await page.Locator("#panel table.neighbours tbody tr").CountAsync() >= neighbours.Count);

        // Back to the whole network (the search zoomed in on p123), then a click where p040 is drawn chooses it.
        await page.ClickAsync("#reset");
        await page.WaitForTimeoutAsync(400);
        Assert.False(await page.IsVisibleAsync("#panel"));
        var at = await page.EvaluateAsync<JsonElement>("() => window.kashika.where(40)");
        await page.Mouse.MoveAsync((float)at.GetProperty("x").GetDouble(), (float)at.GetProperty("y").GetDouble());
        await page.WaitForSelectorAsync(".tooltip:visible");
        Assert.StartsWith("p040", await page.TextContentAsync(".tooltip"), StringComparison.Ordinal);
        Assert.Contains("related projects kept; click for its panel", await page.TextContentAsync(".tooltip"), StringComparison.Ordinal);
        await page.Mouse.ClickAsync((float)at.GetProperty("x").GetDouble(), (float)at.GetProperty("y").GetDouble());
        await page.WaitForFunctionAsync("() => document.querySelector('#panel h2')?.textContent === 'p040'");

        // Its rows: each related project, the value, shared people and Σ min a run on just the two projects gives.
        var rows = await page.Locator("#panel table.neighbours tbody tr").EvaluateAllAsync<string[][]>(
            "rows => rows.map(r => [...r.cells].map(c => c.textContent))");
        Assert.NotEmpty(rows);
        string small = Path.Combine(reports.Dir, "small");
        Directory.CreateDirectory(small);
        File.Copy(Path.Combine(reports.Rankings, "p040"), Path.Combine(small, "p040"), overwrite: true);
        foreach (var row in rows.Take(5))
        {
            File.Copy(Path.Combine(reports.Rankings, row[0]), Path.Combine(small, row[0]), overwrite: true);
        }

        var run = KashikaProcess.Run(reports.Dir, "relate", "--from-ranking", small, "-f", "json");
        var json = JsonDocument.Parse(run.StandardOutput).RootElement;
        var names = json.GetProperty("projects").EnumerateArray().Select(p => p.GetString()!).ToList();
        var pairs = json.GetProperty("pairs").EnumerateArray().ToDictionary(p => (names[p.GetProperty("a").GetInt32()], names[p.GetProperty("b").GetInt32()]));
        foreach (var row in rows.Take(5))
        {
            var key = string.CompareOrdinal("p040", row[0]) < 0 ? ("p040", row[0]) : (row[0], "p040");
            var pair = pairs[key];
            Assert.Equal(pair.GetProperty("value").GetDouble().ToString("N2", CultureInfo.InvariantCulture), row[1]);
            Assert.Equal(pair.GetProperty("shared").GetArrayLength().ToString(CultureInfo.InvariantCulture), row[2]);
            Assert.Equal(pair.GetProperty("sumMin").GetInt64().ToString("N0", CultureInfo.InvariantCulture), row[3]);
        }

        // Ranking files cannot be named one by one again: no command for the neighbourhood's chord diagram.
        Assert.Equal(0, await page.Locator("#panel code.command").CountAsync());

        // Another measure reorders the same neighbours.
        await page.SelectOptionAsync("#measure", "shared");
        Assert.Contains("by shared people", await page.TextContentAsync("#panel h3"), StringComparison.Ordinal);
        Assert.Empty(report.Errors);
    }

    // What a report of just these ranking files relates: each pair's value under the metric, by project names.
    private Dictionary<(string, string), double> SmallRun(IEnumerable<string> projects, string metric)
    {
        string small = Path.Combine(reports.Dir, $"small-{Guid.NewGuid():N}");
        Directory.CreateDirectory(small);
        foreach (string project in projects)
        {
            File.Copy(Path.Combine(reports.Rankings, project), Path.Combine(small, project));
        }

        var json = JsonDocument.Parse(KashikaProcess.Run(reports.Dir, "relate", "--from-ranking", small, "--metric", metric, "-f", "json").StandardOutput).RootElement;
        var names = json.GetProperty("projects").EnumerateArray().Select(p => p.GetString()!).ToList();
        var matrix = json.GetProperty("matrix");
        var values = new Dictionary<(string, string), double>();
        for (int x = 0; x < names.Count; x++)
        {
            for (int y = 0; y < names.Count; y++)
            {
                values[(names[x], names[y])] = matrix[x][y].GetDouble();
            }
        }

        return values;
    }

    // The chord diagram on show equals the small run's matrix, pair by pair, and draws a ribbon for each pair that shares.
    private async Task<List<string>> ChordEqualsASmallRun(IPage page, string metric)
    {
        var chord = await page.EvaluateAsync<JsonElement>("() => window.kashika.chord()");
        var projects = chord.GetProperty("projects").EnumerateArray().Select(p => p.GetString()!).ToList();
        var expected = SmallRun(projects, metric);
        var matrix = chord.GetProperty("matrix");
        int sharing = 0;
        for (int x = 0; x < projects.Count; x++)
        {
            for (int y = 0; y < projects.Count; y++)
            {
                double value = matrix[x][y].GetDouble();
                Assert.Equal(expected[(projects[x], projects[y])], value, 1e-9);
                sharing += x < y && value > 0 ? 1 : 0;
            }
        }

        Assert.True(sharing > projects.Count, $"the chord diagram of {projects.Count} projects has {sharing} pairs that share developers");
        Assert.Equal(sharing, await page.Locator("#chord path.chord").CountAsync());
        Assert.Equal(projects.Count, await page.Locator("#chord g.group").CountAsync());
        return projects;
    }

    [Fact]
    public async Task A_neighbourhood_and_a_community_as_chord_diagrams_are_what_a_small_run_on_their_projects_draws()
    {
        var data = Island(reports.Page);
        var sparse = data.GetProperty("sparse");
        Assert.Equal(21, sparse.GetProperty("chord").GetInt32());
        var report = await Ready(await reports.Browser.OpenAsync(reports.Page));
        var page = report.Page;

        await page.FillAsync("#search", "p040");
        await page.PressAsync("#search", "Enter");
        await page.WaitForFunctionAsync("() => document.querySelector('#panel h2')?.textContent === 'p040'");
        await page.ClickAsync("#panel button.show-chord");
        await page.WaitForSelectorAsync("#chord.shown svg");
        var projects = await ChordEqualsASmallRun(page, "ossrel");
        var neighbours = sparse.GetProperty("neighbours")[40].EnumerateArray().Take(20).Select(n => $"p{n.GetInt32():000}");
        Assert.Equal(["p040", .. neighbours], projects);
        Assert.StartsWith("p040 and its 20 strongest neighbours: every pair among them, by relatedness", await page.TextContentAsync("#chord-title"), StringComparison.Ordinal);

        // Another measure: the same projects, the small run's Jaccard index.
        await page.SelectOptionAsync("#measure", "jaccard");
        Assert.Equal(projects, await ChordEqualsASmallRun(page, "jaccard"));
        await page.SelectOptionAsync("#measure", "relatedness");

        // A click on another project's arc chooses it: its panel, its own neighbourhood; Escape goes back to p040's.
        string other = projects[1];
        string colour = (await page.Locator($"#chord g.group[data-project='{other}'] path.arc").GetAttributeAsync("fill"))!;
        await page.Locator($"#chord path.hit[data-project='{other}']").DispatchEventAsync("click");
        await page.WaitForFunctionAsync($"() => document.querySelector('#panel h2')?.textContent === '{other}'");
        Assert.Equal(other, (await ChordEqualsASmallRun(page, "ossrel"))[0]);
        Assert.Equal(colour, await page.Locator($"#chord g.group[data-project='{other}'] path.arc").GetAttributeAsync("fill")); // it keeps its colour
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForFunctionAsync("() => window.kashika.chord()?.projects[0] === 'p040'");
        Assert.Equal("p040", await page.TextContentAsync("#panel h2"));

        // The largest community: its 21 biggest projects (most developers first), every pair among them.
        await page.Locator("#communities button").First.ClickAsync();
        await page.ClickAsync("#panel button.show-chord");
        await page.WaitForFunctionAsync("() => document.querySelector('#chord-title')?.textContent.startsWith('Community 1 ')");
        var members = await ChordEqualsASmallRun(page, "ossrel");
        int size = sparse.GetProperty("communities").EnumerateArray().Count(c => c.GetInt32() == 0);
        Assert.Equal(Math.Min(21, size), members.Count);

        // Back to the network: Escape.
        await page.Keyboard.PressAsync("Escape");
        Assert.False(await page.IsVisibleAsync("#chord"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task The_network_and_a_chord_diagram_are_saved_as_pictures_and_the_kept_pairs_as_csv()
    {
        var data = Island(reports.Page);
        var report = await Ready(await reports.Browser.OpenAsync(reports.Page));
        var page = report.Page;

        // The network as on screen: a dot for every project, a line for every kept pair, labels of the biggest.
        var (name, bytes) = await report.DownloadAsync(".controls .export button[data-export='svg']");
        Assert.EndsWith(".svg", name, StringComparison.Ordinal);
        string svg = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.Equal(320, System.Text.RegularExpressions.Regex.Count(svg, "<circle "));
        Assert.Equal(data.GetProperty("pairs").GetArrayLength(), System.Text.RegularExpressions.Regex.Count(svg, "<line "));
        Assert.Contains("Kashika relate: 320 projects", svg, StringComparison.Ordinal);
        var (_, png) = await report.DownloadAsync(".controls .export button[data-export='png']");
        Assert.True(png.Length > 20_000 && png[1] == (byte)'P', $"a PNG of {png.Length} bytes");
        var (_, csv) = await report.DownloadAsync(".controls .export button[data-export='csv']");
        Assert.Equal(data.GetProperty("pairs").GetArrayLength() + 1, System.Text.Encoding.UTF8.GetString(csv).TrimEnd('\n').Split('\n').Length);

        // A chord diagram shown: it is the picture, and its pairs (every pair among its projects that shares someone) the CSV.
        await page.FillAsync("#search", "p040");
        await page.PressAsync("#search", "Enter");
        await page.ClickAsync("#panel button.show-chord");
        await page.WaitForSelectorAsync("#chord.shown svg");
        var (chordName, chord) = await report.DownloadAsync(".controls .export button[data-export='svg']");
        Assert.Contains("p040", chordName, StringComparison.Ordinal);
        string chordSvg = System.Text.Encoding.UTF8.GetString(chord);
        Assert.Equal(await page.Locator("#chord path.chord").CountAsync(), System.Text.RegularExpressions.Regex.Count(chordSvg, "class=\"chord "));
        Assert.Contains("p040 and its 20 strongest neighbours", chordSvg, StringComparison.Ordinal);
        var (_, chordCsv) = await report.DownloadAsync(".controls .export button[data-export='csv']");
        var lines = System.Text.Encoding.UTF8.GetString(chordCsv).TrimEnd('\n').Split('\n');
        Assert.Equal(await page.Locator("#chord path.chord").CountAsync() + 1, lines.Length);
        var projectNames = data.GetProperty("projects").EnumerateArray().Select(p => p.GetString()!).ToList();
        var kept = data.GetProperty("pairs").EnumerateArray().Select(p => (projectNames[p.GetProperty("a").GetInt32()], projectNames[p.GetProperty("b").GetInt32()])).ToHashSet();
        Assert.All(lines.Skip(1).Select(l => l.Split(',')), cells => Assert.Equal(kept.Contains((cells[0], cells[1])) ? "yes" : "no", cells[5]));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task The_period_slider_draws_each_periods_kept_pairs()
    {
        var report = await Ready(await reports.Browser.OpenAsync(reports.Periods));
        var page = report.Page;
        Assert.True(await page.IsVisibleAsync("#period-choice"));
        await page.FillAsync("#search", "b");
        await page.PressAsync("#search", "Enter");
        await page.WaitForSelectorAsync("#panel h2");
        async Task<string[]> Neighbours() => await page.Locator("#panel table.neighbours tbody tr td:first-child").AllTextContentsAsync() is var cells ? [.. cells] : [];
        Assert.Equal(["a", "c"], (await Neighbours()).Order(StringComparer.Ordinal));
        foreach (var (position, label, other) in new[] { ("1", "2020", "a"), ("2", "2021", "c") })
        {
            await page.Locator("#period").FillAsync(position);
            Assert.Equal(label, await page.TextContentAsync("#period-label"));
            Assert.Contains($"Related projects kept in {label} (1)", await page.TextContentAsync("#panel h3"), StringComparison.Ordinal);
            Assert.Equal([other], await Neighbours());
        }

        // The chord diagram of b's neighbourhood in 2021: the whole history's projects, that period's figures (Bob in b and c).
        await page.ClickAsync("#panel button.show-chord");
        await page.WaitForSelectorAsync("#chord.shown svg");
        var chord = await page.EvaluateAsync<JsonElement>("() => window.kashika.chord()");
        Assert.Equal(["b", "a", "c"], chord.GetProperty("projects").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("[[0,0,1],[0,0,0],[1,0,0]]", chord.GetProperty("matrix").GetRawText());
        Assert.Contains("in 2021", await page.TextContentAsync("#chord-title"), StringComparison.Ordinal);
        await page.Locator("#period").FillAsync("1");
        chord = await page.EvaluateAsync<JsonElement>("() => window.kashika.chord()");
        Assert.Equal("[[0,1,0],[1,0,0],[0,0,0]]", chord.GetProperty("matrix").GetRawText());
        Assert.Empty(report.Errors);
    }
}
