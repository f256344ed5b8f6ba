using System.Text.Json;
using Kashika.Testing;
using Microsoft.Playwright;

namespace Kashika.BrowserTests;

/// <summary>Reports made once by the real CLI for all the tests of the relate page.</summary>
public sealed class RelateReports : IAsyncLifetime
{
    public const string Hostile = "</script><script>alert(1)</script>";
    public const string HostileProject = "<img src=x onerror=alert(2)>";

    /// <summary>A name whose right-to-left override would show "Bob (admin)" backwards past it.</summary>
    public const string Reversed = "Eve\u202enimda";

    private readonly TempDirectory dir = new();

    public Browser Browser { get; } = new();

    /// <summary>alpha, beta, gamma: alpha–beta share Ann (5/2) and Bob (3/4); beta–gamma share José (6/1).</summary>
    public string Small => dir.Combine("small.html");

    /// <summary>Ranking input with a hostile author and a hostile project name.</summary>
    public string HostileReport => dir.Combine("hostile.html");

    /// <summary>early and late by month: they share Lee in February 2020 only.</summary>
    public string ByMonth => dir.Combine("by-month.html");

    /// <summary>delta and epsilon: Kim Park commits from two addresses in delta, one of them in epsilon.</summary>
    public string Joins => dir.Combine("joins.html");

    /// <summary>30 projects in a ring, for colour distances.</summary>
    public string Thirty => dir.Combine("thirty.html");

    /// <summary>fork is a clone of origin (Ann's 25 commits in both); Bob commits to each apart.</summary>
    public string Fork => dir.Combine("fork.html");

    /// <summary>a, b, c by month (Jan–Mar 2020): Ann a → b → c; Bob a, a, gone; Cy b, gone, c.</summary>
    public string Moves => dir.Combine("moves.html");

    /// <summary>small and grown by year: 2019 one shared commit each, 2020 three people with four each.</summary>
    public string Grow => dir.Combine("grow.html");

    /// <summary>alpha alone.</summary>
    public string Single => dir.Combine("single.html");

    /// <summary>big and huge share a million commits, tiny one commit with big: an arc of a fifth of a degree.</summary>
    public string Tiny => dir.Combine("tiny.html");

    /// <summary>200 projects, for layout and responsiveness.</summary>
    public string Large => dir.Combine("large.html");

    public async ValueTask InitializeAsync()
    {
        dir.Repo("alpha").Commits("Ann Lee", "ann@example.org", 5).Commits("Bob Stone", "bob@example.org", 3);
        dir.Repo("beta").Commits("Ann Lee", "ann@example.org", 2).Commits("Bob Stone", "bob@example.org", 4).Commits("José Müller", "jose@example.org", 6);
        dir.Repo("gamma").Commits("José Müller", "jose@example.org", 1).Commits("Eve", "eve@example.org", 2);
        Run("relate", "-o", Small, "alpha", "beta", "gamma");
        Run("relate", "-o", Single, "alpha");
        // A commit a day from 2020-01-01: early is Kim's in January and Lee's in February; late is Lee's throughout.
        dir.Repo("early").Commits("Kim", "kim@example.org", 31).Commits("Lee", "lee@example.org", 10);
        dir.Repo("late").Commits("Lee", "lee@example.org", 45);
        Run("relate", "--by", "month", "-o", ByMonth, "early", "late");
        dir.Repo("delta").Commits("Kim Park", "kim@work.example", 3).Commits("Kim Park", "kpark@home.example", 2);
        dir.Repo("epsilon").Commits("Kim Park", "kpark@home.example", 4);
        Run("relate", "-o", Joins, "delta", "epsilon");
        var origin = dir.Repo("origin").Commits("Ann Lee", "ann@example.org", 25);
        origin.Clone(dir.Combine("fork")).Commits("Bob Stone", "bob@example.org", 3);
        origin.Commits("Bob Stone", "bob@example.org", 1);
        Run("relate", "-o", Fork, "origin", "fork");
        static DateTimeOffset On(int month) => new(2020, month, 10, 0, 0, 0, TimeSpan.Zero);
        var a = dir.Repo("a");
        var b = dir.Repo("b");
        var c = dir.Repo("c");
        foreach (var (repo, name, month, count) in new[]
        {
            (a, "Ann", 1, 2), (a, "Bob", 1, 3), (a, "Bob", 2, 2), (b, "Ann", 2, 3), (b, "Bob", 1, 1), (b, "Cy", 1, 2), (c, "Cy", 3, 1), (c, "Ann", 3, 1),
        })
        {
            for (int i = 0; i < count; i++)
            {
                repo.Commit($"{name} Example", $"{name.ToLowerInvariant()}@example.org", authorDate: On(month).AddHours(i));
            }
        }

        Run("relate", "--by", "month", "-o", Moves, "a", "b", "c");
        var x = dir.Repo("small");
        var y = dir.Repo("grown");
        foreach (var (year, name, count) in new[] { (2019, "Ann", 1), (2020, "Ann", 4), (2020, "Bob", 4), (2020, "Cy", 4) })
        {
            for (int i = 0; i < count; i++)
            {
                x.Commit($"{name} Example", $"{name.ToLowerInvariant()}@example.org", authorDate: new DateTimeOffset(year, 5, 1 + i, 0, 0, 0, TimeSpan.Zero));
                y.Commit($"{name} Example", $"{name.ToLowerInvariant()}@example.org", authorDate: new DateTimeOffset(year, 6, 1 + i, 0, 0, 0, TimeSpan.Zero));
            }
        }

        Run("relate", "--by", "year", "--metric", "sum-min", "-o", Grow, "small", "grown");

        string hostile = dir.Combine("hostile-ranking");
        Directory.CreateDirectory(hostile);
        File.WriteAllText(Path.Combine(hostile, HostileProject), $"      4 {Hostile}\n      2 Ann\n      1 {Reversed}\n");
        File.WriteAllText(Path.Combine(hostile, "plain"), $"      3 {Hostile}\n      1 Ann\n      2 {Reversed}\n");
        Run("relate", "--from-ranking", hostile, "-o", HostileReport);

        // 200 projects in a ring: project i shares one developer with i+1 and one with i+7.
        string large = dir.Combine("large-ranking");
        Directory.CreateDirectory(large);
        for (int i = 0; i < 200; i++)
        {
            File.WriteAllText(Path.Combine(large, $"project-{i:000}-with-a-long-name"),
                $"  {(i % 13) + 1} dev{i}\n  {(i % 5) + 1} dev{(i + 199) % 200}\n  2 far{i}\n  3 far{(i + 193) % 200}\n");
        }

        Run("relate", "--from-ranking", large, "--view", "chord", "-o", Large); // the chord page of 200 (the network is the default above 60)
        string thirty = dir.Combine("thirty-ranking");
        Directory.CreateDirectory(thirty);
        for (int i = 0; i < 30; i++)
        {
            File.WriteAllText(Path.Combine(thirty, $"p{i:00}"), $"  3 dev{i}\n  2 dev{(i + 1) % 30}\n");
        }

        Run("relate", "--from-ranking", thirty, "-o", Thirty);
        string tiny = dir.Combine("tiny-ranking");
        Directory.CreateDirectory(tiny);
        File.WriteAllText(Path.Combine(tiny, "big"), "  1000000 dev\n  1 t\n");
        File.WriteAllText(Path.Combine(tiny, "huge"), "  1000000 dev\n");
        File.WriteAllText(Path.Combine(tiny, "tiny"), "  1 t\n");
        Run("relate", "--from-ranking", tiny, "-o", Tiny);
        await Browser.InitializeAsync();
    }

    private void Run(params string[] arguments) => KashikaProcess.Succeed(dir.Path, arguments);

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        dir.Dispose();
    }
}

public sealed class RelateReportTests(RelateReports reports) : IClassFixture<RelateReports>
{
    [Fact]
    public async Task Draws_an_arc_per_project_and_a_chord_per_related_pair()
    {
        var report = await reports.Browser.OpenAsync(reports.Small);
        Assert.Equal(3, await report.Page.Locator(".group").CountAsync());
        Assert.Equal(2, await report.Page.Locator(".chord").CountAsync());
        Assert.Equal(["alpha", "beta", "gamma"], await report.Page.Locator(".labels text").AllTextContentsAsync());
        Assert.Equal(4, await report.Page.Locator("table.projects tr").CountAsync());
        await report.ScreenshotAsync("relate-small.png");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task The_diagram_saves_as_svg_and_png_and_the_pairs_as_csv()
    {
        var report = await reports.Browser.OpenAsync(reports.Small);
        var (svgName, svg) = await report.DownloadAsync(".controls .export button[data-export='svg']");
        Assert.Equal("relate-whole-history.svg", svgName);
        var texts = System.Xml.Linq.XDocument.Parse(System.Text.Encoding.UTF8.GetString(svg))
            .Descendants("{http://www.w3.org/2000/svg}text").Select(t => t.Value).ToList();
        Assert.Equal(["alpha", "beta", "gamma"], texts.Where(t => t is "alpha" or "beta" or "gamma").Order());
        var box = await report.Page.Locator("#chart svg").BoundingBoxAsync();
        var (_, png) = await report.DownloadAsync(".controls .export button[data-export='png']");
        Assert.Equal((int)Math.Round(box!.Width) * 2, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(((int)Math.Round(box.Height) + 24) * 2, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))); // and its title
        var (csvName, csv) = await report.DownloadAsync(".controls .export button[data-export='csv']");
        Assert.Equal("relate-whole-history.csv", csvName);
        string[] lines = System.Text.Encoding.UTF8.GetString(csv).TrimEnd().Split("\r\n");
        Assert.StartsWith("project,project,", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length); // two related pairs
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_report_with_nothing_related_says_so_instead_of_an_empty_circle()
    {
        var report = await reports.Browser.OpenAsync(reports.Single);
        Assert.Equal(0, await report.Page.Locator("#chart svg").CountAsync());
        Assert.Contains("relatedness needs two or more", await report.Page.Locator("#chart").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await report.Page.Locator("table.projects tr").CountAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_period_can_be_chosen_and_redraws_the_diagram()
    {
        var report = await reports.Browser.OpenAsync(reports.ByMonth);
        Assert.Equal(["whole history", "2020-01", "2020-02"], await report.Page.Locator("#period option").AllTextContentsAsync());
        Assert.Equal(1, await report.Page.Locator(".chord").CountAsync());

        await report.Page.Locator("#period").SelectOptionAsync(new Microsoft.Playwright.SelectOptionValue { Label = "2020-01" });
        Assert.Contains("2020-01", await report.Page.Locator("#subtitle").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await report.Page.Locator(".chord").CountAsync());
        Assert.Contains("No two of these projects share a developer", await report.Page.Locator("#chart").InnerTextAsync(), StringComparison.Ordinal);

        await report.Page.Locator("#period").SelectOptionAsync(new Microsoft.Playwright.SelectOptionValue { Label = "2020-02" });
        Assert.Equal(1, await report.Page.Locator(".chord").CountAsync());
        var (x, y) = await report.ChordPointAsync("early", "late");
        await report.Page.Mouse.ClickAsync(x, y);
        Assert.Equal("early ↔ late · 2020-02", await report.Page.Locator("#panel h2").InnerTextAsync());
        Assert.Equal(["Lee\t10\t14\t10"], await report.Page.Locator("#panel table.people tbody tr").AllInnerTextsAsync());
        Assert.Equal("lee@example.org", await report.Page.Locator("#panel table.people tbody tr").First.GetAttributeAsync("title"));

        // Another period: the open panel stays and shows that period's figures; the projects table follows.
        await report.Page.Locator("#period").SelectOptionAsync(new Microsoft.Playwright.SelectOptionValue { Label = "whole history" });
        Assert.Equal("early ↔ late", await report.Page.Locator("#panel h2").InnerTextAsync());
        Assert.Equal(["Lee\t10\t45\t10"], await report.Page.Locator("#panel table.people tbody tr").AllInnerTextsAsync());
        Assert.StartsWith("early\t41\t2", await report.Page.Locator("table.projects tbody tr").First.InnerTextAsync(), StringComparison.Ordinal);
        await report.Page.Locator("#period").SelectOptionAsync(new Microsoft.Playwright.SelectOptionValue { Label = "2020-01" });
        Assert.StartsWith("early\t31\t1", await report.Page.Locator("table.projects tbody tr").First.InnerTextAsync(), StringComparison.Ordinal);
        // The pair shares no one in January: the panel stays open and says so.
        Assert.Equal("early ↔ late · 2020-01", await report.Page.Locator("#panel h2").InnerTextAsync());
        Assert.Contains("No shared developer in 2020-01.", await report.Page.Locator("#panel").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Hovering_a_project_leaves_only_its_chords()
    {
        var report = await reports.Browser.OpenAsync(reports.Small);
        var (x, y) = await report.ProjectPointAsync("alpha");
        await report.Page.Mouse.MoveAsync(x, y);
        Assert.Equal(["alpha-beta"], await report.VisibleChordsAsync());
        Assert.Contains("alpha", await report.Page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);

        await report.Page.Mouse.MoveAsync(5, 5);
        Assert.Equal(2, (await report.VisibleChordsAsync()).Length);

        // A click pins the project: its chords stay in front after the mouse leaves, until Escape.
        await report.Page.Mouse.ClickAsync(x, y);
        await report.Page.Mouse.MoveAsync(5, 5);
        Assert.Equal(["alpha-beta"], await report.VisibleChordsAsync());
        Assert.True(await report.Page.Locator("#panel").IsVisibleAsync());
        // The others are faded, not gone.
        Assert.Equal(2, await report.Page.EvaluateAsync<int>("() => [...document.querySelectorAll('.chord')].filter(c => getComputedStyle(c).display !== 'none').length"));
        await report.Page.Keyboard.PressAsync("Escape");
        Assert.Equal(2, (await report.VisibleChordsAsync()).Length);
        Assert.False(await report.Page.Locator("#panel").IsVisibleAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Hovering_a_chord_shows_both_names_and_the_integer_sum()
    {
        var report = await reports.Browser.OpenAsync(reports.Small);
        var (x, y) = await report.ChordPointAsync("alpha", "beta");
        await report.Page.Mouse.MoveAsync(x, y);
        string tip = await report.Page.Locator(".tooltip").InnerTextAsync();
        Assert.Contains("alpha ↔ beta", tip, StringComparison.Ordinal);
        Assert.Contains("Σ min commits: 5", tip, StringComparison.Ordinal); // min(5,2) + min(3,4)
        Assert.Contains("relatedness: 2.24", tip, StringComparison.Ordinal);
        Assert.Contains("shared developers: 2", tip, StringComparison.Ordinal);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Clicking_a_chord_lists_the_people_with_their_commits_on_each_side()
    {
        var report = await reports.Browser.OpenAsync(reports.Small);
        var (x, y) = await report.ChordPointAsync("alpha", "beta");
        await report.Page.Mouse.ClickAsync(x, y);
        var panel = report.Page.Locator("#panel");
        Assert.True(await panel.IsVisibleAsync());
        Assert.Equal("alpha ↔ beta", await panel.Locator("h2").InnerTextAsync());
        var rows = await panel.Locator("table.people tbody tr").AllInnerTextsAsync();
        Assert.Equal(["Ann Lee\t5\t2\t2", "Bob Stone\t3\t4\t3"], rows.Order(StringComparer.Ordinal));
        await report.ScreenshotAsync("relate-people.png");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Clicking_a_project_lists_its_related_projects_and_shared_people()
    {
        var report = await reports.Browser.OpenAsync(reports.Small);
        var (x, y) = await report.ProjectPointAsync("beta");
        await report.Page.Mouse.ClickAsync(x, y);
        var panel = report.Page.Locator("#panel");
        Assert.Equal("beta", await panel.Locator("h2").InnerTextAsync());
        var links = await panel.Locator("table.links tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(["alpha", "gamma"], links);
        var people = await panel.Locator("table.people tbody tr").AllInnerTextsAsync();
        Assert.Contains("José Müller\t6\tgamma (1)", people);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Hostile_names_are_shown_as_text_and_never_run()
    {
        var report = await reports.Browser.OpenAsync(reports.HostileReport);
        string body = await report.Page.InnerTextAsync("body");
        Assert.Contains(RelateReports.HostileProject, body, StringComparison.Ordinal);
        Assert.Equal(2, await report.Page.EvaluateAsync<int>("() => document.scripts.length")); // data island + view
        Assert.Equal(0, await report.Page.Locator("img").CountAsync());

        var (x, y) = await report.ChordPointAsync();
        await report.Page.Mouse.ClickAsync(x, y);
        string panel = await report.Page.Locator("#panel").InnerTextAsync();
        Assert.Contains(RelateReports.Hostile, panel, StringComparison.Ordinal);
        // A reordering mark is shown, not obeyed.
        Assert.Contains("Eve⟨U+202E⟩nimda", panel, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202e', await report.Page.InnerTextAsync("body"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Two_hundred_projects_draw_quickly_with_labels_that_never_overlap()
    {
        var report = await reports.Browser.OpenAsync(reports.Large);
        Assert.Equal(200, await report.Page.Locator(".group").CountAsync());
        // Every pair of shown labels is tested for overlap of their rotated boxes (separating axis test).
        int overlaps = await report.Page.EvaluateAsync<int>(@"() => {
            const boxes = [...document.querySelectorAll('.labels text')].map(t => {
              const b = t.getBBox(), m = t.getScreenCTM();
              return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
                .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
            });
            const axes = q => [0, 1].map(i => { const [a, b] = [q[i], q[i + 1]]; return [b[1] - a[1], a[0] - b[0]]; });
            const span = (q, [ax, ay]) => { const d = q.map(([x, y]) => x * ax + y * ay); return [Math.min(...d), Math.max(...d)]; };
            const overlap = (p, q) => [...axes(p), ...axes(q)].every(ax => {
              const [a0, a1] = span(p, ax), [b0, b1] = span(q, ax); return a0 < b1 - 0.01 && b0 < a1 - 0.01; });
            let n = 0;
            for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (overlap(boxes[i], boxes[j])) n++;
            return n;
        }");
        Assert.Equal(0, overlaps);
        Assert.True(await report.Page.Locator(".labels text").CountAsync() >= 50, "too few labels shown");

        // Hover stays responsive: isolating one project among 400 chords takes well under a frame budget of work.
        var (x, y) = await report.ProjectPointAsync("project-010-with-a-long-name");
        await report.Page.Mouse.MoveAsync(x, y);
        Assert.Equal(4, (await report.VisibleChordsAsync()).Length);
        await report.ScreenshotAsync("relate-200.png");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Colours_are_distinct_and_the_same_every_time()
    {
        var first = await reports.Browser.OpenAsync(reports.Large);
        var colours = await first.Page.Locator(".group .arc").EvaluateAllAsync<string[]>("ps => ps.map(p => p.getAttribute('fill'))");
        Assert.Equal(200, colours.Distinct().Count());
        var again = await reports.Browser.OpenAsync(reports.Large);
        Assert.Equal(colours, await again.Page.Locator(".group .arc").EvaluateAllAsync<string[]>("ps => ps.map(p => p.getAttribute('fill'))"));
    }

    [Fact]
    public async Task Any_two_of_thirty_projects_differ_clearly_in_colour()
    {
        var report = await reports.Browser.OpenAsync(reports.Thirty);
        // The smallest CIE76 ΔE between any two arcs' colours (sRGB → XYZ D65 → Lab).
        double smallest = await report.Page.EvaluateAsync<double>(@"() => {
            const lab = (hex) => {
                const [r, g, b] = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16) / 255).map(c => c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
                const xyz = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883];
                const f = xyz.map(t => t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
                return [116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])];
            };
            const colours = [...document.querySelectorAll('.group .arc')].map(p => lab(p.getAttribute('fill')));
            let min = Infinity;
            for (let i = 0; i < colours.length; i++) for (let j = i + 1; j < colours.length; j++) min = Math.min(min, Math.hypot(...colours[i].map((v, k) => v - colours[j][k])));
            return min;
        }");
        Assert.Equal(30, await report.Page.Locator(".group .arc").CountAsync());
        // 14 for normal vision; the palette also keeps them ΔE 10 apart under the three dichromacies (web/test).
        Assert.True(smallest >= 14, $"two projects' colours are only ΔE {smallest:F1} apart");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Related_projects_sit_side_by_side_unless_the_input_order_is_asked_for()
    {
        // 30 projects in a ring p00–p01–…–p29–p00 given in name order: clustered, each arc's neighbours are related ones.
        var report = await reports.Browser.OpenAsync(reports.Thirty);
        var page = report.Page;
        const string Around = "() => [...document.querySelectorAll('.group')].map(g => ({ p: g.dataset.project, a: g.querySelector('.arc').getAttribute('d') }))"
            + ".map(g => ({ p: g.p, x: +g.a.slice(1).split(',')[0], y: +g.a.slice(1).split(',')[1].split(/[A-Za-z]/)[0] }))"
            + ".sort((u, v) => Math.atan2(u.x, -u.y) - Math.atan2(v.x, -v.y)).map(g => +g.p.slice(1))";
        int[] around = await page.EvaluateAsync<int[]>(Around);
        Assert.Equal(30, around.Length);
        int neighbours = Enumerable.Range(0, 30).Count(k => Math.Abs(around[k] - around[(k + 1) % 30]) is 1 or 29);
        Assert.True(neighbours >= 28, $"only {neighbours} of 30 neighbours are related: {string.Join(' ', around)}");
        await page.SelectOptionAsync("#order", "input");
        int[] given = await page.EvaluateAsync<int[]>(Around);
        Assert.All(Enumerable.Range(0, 30), k => Assert.Equal((given[k] + 1) % 30, given[(k + 1) % 30])); // name order, clockwise
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Addresses_joined_as_one_person_are_listed_with_the_reason()
    {
        var report = await reports.Browser.OpenAsync(reports.Joins);
        string joins = await report.Page.Locator("#joins table").InnerTextAsync();
        Assert.Contains("Kim Park", joins, StringComparison.Ordinal);
        Assert.Contains("kim@work.example, kpark@home.example", joins, StringComparison.Ordinal);
        Assert.Contains("same name \"Kim Park\"; both used in delta", joins, StringComparison.Ordinal);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task The_pairs_table_sorts_and_opens_the_people_and_chords_are_reachable_by_keyboard()
    {
        var report = await reports.Browser.OpenAsync(reports.Small);
        var page = report.Page;
        // alpha-beta: Ann min(5,2) + Bob min(3,4) = 5; beta-gamma: José min(6,1) = 1.
        Assert.Equal(["alpha\tbeta", "beta\tgamma"], (await page.Locator("table.pairs tbody tr").AllInnerTextsAsync()).Select(r => string.Join('\t', r.Split('\t').Take(2))));
        await page.ClickAsync("table.pairs th[data-column='2']");
        Assert.StartsWith("beta\tgamma", await page.Locator("table.pairs tbody tr").First.InnerTextAsync(), StringComparison.Ordinal);
        await page.ClickAsync("table.pairs tbody tr >> nth=0");
        Assert.Equal("beta ↔ gamma", await page.Locator("#panel h2").InnerTextAsync());

        // The slider leaves out chords below a minimum: beta-gamma (1) goes, alpha-beta (√5) stays.
        await page.Keyboard.PressAsync("Escape");
        // (a square scale up to the strongest, √5: position 800 of 1000 is 0.64 × √5 = 1.43)
        await page.Locator("#minimum").FillAsync("800");
        Assert.Equal("1.43", await page.Locator("#minimum-value").InnerTextAsync());
        Assert.Equal(["alpha-beta"], await report.VisibleChordsAsync());
        Assert.Equal("1 of 2 chords shown", await page.Locator("#minimum-shown").InnerTextAsync());
        await page.Locator("#minimum").FillAsync("0");
        Assert.Equal(2, (await report.VisibleChordsAsync()).Length);

        await page.Keyboard.PressAsync("Escape");
        var chord = page.Locator(".chord[data-a='alpha'][data-b='beta']");
        Assert.Contains("alpha and beta", await chord.GetAttributeAsync("aria-label"), StringComparison.Ordinal);
        await chord.FocusAsync();
        Assert.Contains("alpha ↔ beta", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("alpha ↔ beta", await page.Locator("#panel h2").InnerTextAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Search_finds_projects_and_people_and_shows_a_persons_projects_and_commits()
    {
        var report = await reports.Browser.OpenAsync(reports.Small);
        var page = report.Page;
        await page.FillAsync("#search", "jose");
        Assert.Equal(["José Müller\njose@example.org\nbeta 6, gamma 1"], await page.Locator("#search-results li").AllInnerTextsAsync());
        // While the results are open the chart brings forward the projects they touch: José's are beta and gamma.
        Assert.Equal(["beta-gamma"], await report.VisibleChordsAsync());
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("José Müller", await page.Locator("#panel h2").InnerTextAsync());
        Assert.Equal(["beta\t6", "gamma\t1"], await page.Locator("#panel table.person-projects tbody tr").AllInnerTextsAsync());
        Assert.Equal("jose@example.org", await page.Locator("#panel .addresses").InnerTextAsync());
        Assert.False(await page.Locator("#search-results").IsVisibleAsync());
        Assert.Equal(["beta-gamma"], await report.VisibleChordsAsync());
        Assert.Contains("person=jose%40example.org", page.Url, StringComparison.Ordinal);

        // A project: its arc among the results, and Enter opens it.
        await page.FillAsync("#search", "ALP");
        Assert.Equal(["alpha\nproject · 8 commits"], await page.Locator("#search-results li").AllInnerTextsAsync());
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("alpha", await page.Locator("#panel h2").InnerTextAsync());
        Assert.Equal(["alpha-beta"], await report.VisibleChordsAsync());

        // Nothing found says so; Escape in the box clears it.
        await page.FillAsync("#search", "zzz");
        Assert.True(await page.Locator("#search-none").IsVisibleAsync());
        await page.Keyboard.PressAsync("Escape");
        Assert.Equal("", await page.InputValueAsync("#search"));
        Assert.True(await page.Locator("#panel").IsVisibleAsync()); // Escape in the search box only clears the search
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task People_tables_sort_by_any_column_and_a_person_opens_their_projects()
    {
        var report = await reports.Browser.OpenAsync(reports.Small);
        var page = report.Page;
        var (x, y) = await report.ChordPointAsync("alpha", "beta");
        await page.Mouse.ClickAsync(x, y);
        var rows = page.Locator("#panel table.people tbody tr");
        var header = page.Locator("#panel table.people th");
        await header.Nth(2).ClickAsync(); // commits in beta, most first
        Assert.Equal(["Bob Stone\t3\t4\t3", "Ann Lee\t5\t2\t2"], await rows.AllInnerTextsAsync());
        Assert.Equal("descending", await header.Nth(2).GetAttributeAsync("aria-sort"));
        await header.Nth(2).ClickAsync();
        Assert.Equal(["Ann Lee\t5\t2\t2", "Bob Stone\t3\t4\t3"], await rows.AllInnerTextsAsync());
        await header.Nth(0).ClickAsync(); // names A to Z
        Assert.StartsWith("Ann Lee", await rows.First.InnerTextAsync(), StringComparison.Ordinal);
        await header.Nth(0).PressAsync("Enter"); // and by keyboard, Z to A
        Assert.StartsWith("Bob Stone", await rows.First.InnerTextAsync(), StringComparison.Ordinal);
        await rows.First.ClickAsync();
        Assert.Equal("Bob Stone", await page.Locator("#panel h2").InnerTextAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task The_url_fragment_keeps_the_period_the_selection_and_the_filters()
    {
        var report = await reports.Browser.OpenAsync(reports.Small, fragment: "#project=beta&min=1.5&order=input");
        var page = report.Page;
        Assert.Equal("beta", await page.Locator("#panel h2").InnerTextAsync());
        Assert.Equal("1.5", await page.Locator("#minimum-value").InnerTextAsync());
        Assert.Equal("input", await page.InputValueAsync("#order"));
        Assert.Equal(1, await page.Locator(".chord").CountAsync()); // beta–gamma (1) is below the minimum

        var month = await reports.Browser.OpenAsync(reports.ByMonth, fragment: "#period=2020-02&a=early&b=late");
        Assert.Equal("early ↔ late · 2020-02", await month.Page.Locator("#panel h2").InnerTextAsync());
        await month.Page.Locator("#period").SelectOptionAsync(new SelectOptionValue { Label = "whole history" });
        Assert.DoesNotContain("period=", month.Page.Url, StringComparison.Ordinal);
        Assert.Contains("a=early&b=late", month.Page.Url, StringComparison.Ordinal);
        await month.Page.Keyboard.PressAsync("Escape");
        Assert.DoesNotContain("a=early", month.Page.Url, StringComparison.Ordinal);

        // Names that are not in the report are ignored rather than breaking the page.
        var stale = await reports.Browser.OpenAsync(reports.Small, fragment: "#project=nope&period=1999&person=x%40y&min=abc");
        Assert.False(await stale.Page.Locator("#panel").IsVisibleAsync());
        Assert.Equal(2, await stale.Page.Locator(".chord").CountAsync());
        Assert.Empty(report.Errors.Concat(month.Errors).Concat(stale.Errors));
    }

    [Fact]
    public async Task Switching_periods_keeps_the_circle_still_and_its_order()
    {
        var month = await reports.Browser.OpenAsync(reports.ByMonth);
        var page = month.Page;
        const string Box = "() => { const b = document.querySelector('#chart svg').getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; }";
        var before = await page.EvaluateAsync<double[]>(Box);
        await page.Locator("#period").SelectOptionAsync(new SelectOptionValue { Label = "2020-02" });
        Assert.Equal(before, await page.EvaluateAsync<double[]>(Box));
        // A period with nothing shared keeps the chart's place: the message has the circle's width.
        await page.Locator("#period").SelectOptionAsync(new SelectOptionValue { Label = "2020-01" });
        Assert.Equal(before[2], await page.EvaluateAsync<double>("() => document.querySelector('#chart p').getBoundingClientRect().width"));
        Assert.Empty(month.Errors);
    }

    [Fact]
    public async Task The_legend_explains_arcs_chords_the_metric_and_the_identity_rule()
    {
        var report = await reports.Browser.OpenAsync(reports.Joins);
        string legend = await report.Page.Locator("#legend").InnerTextAsync();
        Assert.Contains("its length is the sum of its relatedness with all the others", legend, StringComparison.Ordinal);
        Assert.Contains("its width at each end is their relatedness", legend, StringComparison.Ordinal);
        Assert.Contains("√ Σ min(commits in A, commits in B)", legend, StringComparison.Ordinal);
        Assert.Contains("same distinctive name", legend, StringComparison.Ordinal);
        Assert.Contains("1 join,", legend, StringComparison.Ordinal);
        // The usage hint is above the chart.
        Assert.True(await report.Page.EvaluateAsync<bool>("() => document.querySelector('.hint').getBoundingClientRect().bottom < document.querySelector('#chart').getBoundingClientRect().top"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_narrow_window_stacks_the_panel_under_the_chart_and_scrolls_it_into_view()
    {
        var report = await reports.Browser.OpenAsync(reports.Thirty, width: 800, height: 900);
        var page = report.Page;
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        var (x, y) = await report.ProjectPointAsync("p05");
        await page.Mouse.ClickAsync(x, y);
        var box = await page.Locator("#panel").BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Y >= -1 && box.Y < 900, $"the panel is at y={box.Y}, outside the window");
        // No word in the panel is broken across lines: each cell is at least as wide as its longest word.
        string broken = await page.EvaluateAsync<string>(@"() => {
            const ctx = document.createElement('canvas').getContext('2d');
            for (const td of document.querySelectorAll('#panel td, #panel th')) {
              const s = getComputedStyle(td);
              ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
              const room = td.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
              for (const word of td.textContent.split(/\s+/)) if (ctx.measureText(word).width > room + 1) return word;
            }
            return '';
        }");
        Assert.Equal("", broken);
        await report.ScreenshotAsync("relate-narrow.png");

        // A wide window: the circle grows with it, and the side column takes the rest of the width.
        var wide = await reports.Browser.OpenAsync(reports.Thirty, width: 1920, height: 1080);
        double chart = await wide.Page.EvaluateAsync<double>("() => document.querySelector('#chart svg').getBoundingClientRect().width");
        double right = await wide.Page.EvaluateAsync<double>("() => document.querySelector('#side').getBoundingClientRect().right");
        Assert.True(chart >= 800, $"the chart is {chart} px wide in a 1920×1080 window");
        Assert.True(right >= 1880, $"the side column ends at {right} px");
        Assert.Empty(report.Errors.Concat(wide.Errors));
    }

    [Fact]
    public async Task A_project_of_a_fifth_of_a_degree_can_still_be_pointed_at()
    {
        var report = await reports.Browser.OpenAsync(reports.Tiny);
        var page = report.Page;
        // Three pixels to one side of the tiny arc, and just outside the ring: still the tiny project.
        string under = await page.EvaluateAsync<string>(@"() => {
            const g = document.querySelector(`.group[data-project='tiny']`), svg = g.ownerSVGElement;
            const p = svg.createSVGPoint(); p.x = +g.dataset.cx; p.y = +g.dataset.cy;
            const c = p.matrixTransform(g.getScreenCTM());
            const o = svg.createSVGPoint(); const m = o.matrixTransform(svg.getScreenCTM());
            const r = Math.hypot(c.x - m.x, c.y - m.y), ux = (c.x - m.x) / r, uy = (c.y - m.y) / r;
            const x = c.x + 20 * ux - 3 * uy, y = c.y + 20 * uy + 3 * ux;
            return document.elementFromPoint(x, y)?.closest('[data-project]')?.dataset.project ?? 'nothing';
        }");
        Assert.Equal("tiny", under);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Arcs_are_reachable_by_keyboard_with_their_figures()
    {
        var report = await reports.Browser.OpenAsync(reports.Small);
        var page = report.Page;
        var beta = page.Locator(".group[data-project='beta']");
        Assert.Equal("beta, 12 commits, 3 developers, shares developers with 2 projects", await beta.GetAttributeAsync("aria-label"));
        await beta.FocusAsync();
        Assert.Contains("12 commits, 3 developers", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("beta", await page.Locator("#panel h2").InnerTextAsync());
        await page.Keyboard.PressAsync("Escape");
        Assert.False(await page.Locator("#panel").IsVisibleAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Long_lists_are_cut_with_a_way_to_see_them_all_and_the_keyboard_goes_round_the_circle()
    {
        var report = await reports.Browser.OpenAsync(reports.Large);
        var page = report.Page;
        // 200 projects are 400 pairs: the strongest 50 first, then all of them on request.
        Assert.Equal(50, await page.Locator("table.pairs tbody tr").CountAsync());
        Assert.Contains("The first 50 of 400 rows", await page.Locator("#pairs .more").InnerTextAsync(), StringComparison.Ordinal);
        await page.ClickAsync("#pairs .show-all");
        Assert.Equal(400, await page.Locator("table.pairs tbody tr").CountAsync());
        Assert.False(await page.Locator("#pairs .more").IsVisibleAsync());

        // A search finding more than it lists says how many more.
        await page.FillAsync("#search", "long-name");
        Assert.Equal(12, await page.Locator("#search-results li.project").CountAsync());
        Assert.Equal("and 188 more: type more of the name", await page.Locator("#search-results li.more").InnerTextAsync());

        // The arrow keys move from an arc to its neighbour around the circle.
        await page.Keyboard.PressAsync("Escape");
        var arcs = await page.Locator(".group").EvaluateAllAsync<string[]>("gs => gs.map(g => g.dataset.project)");
        await page.Locator(".group").First.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.Equal(arcs[1], await page.EvaluateAsync<string>("() => document.activeElement.dataset.project"));
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.PressAsync("ArrowLeft");
        Assert.Equal(arcs[^1], await page.EvaluateAsync<string>("() => document.activeElement.dataset.project"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Every_project_is_named_on_the_ring_or_in_the_list_under_it_at_1366_px()
    {
        var report = await reports.Browser.OpenAsync(reports.Large, width: 1366, height: 768);
        var page = report.Page;
        int onRing = await page.Locator(".labels text").CountAsync();
        int listed = await page.Locator("#unlabelled button.unlabelled").CountAsync();
        Assert.True(listed > 0, "200 projects cannot all be labelled on the ring");
        Assert.Equal(await page.Locator(".group .arc").CountAsync(), onRing + listed);
        string name = (await page.Locator("#unlabelled button.unlabelled").First.GetAttributeAsync("data-project"))!;
        await page.Locator("#unlabelled button.unlabelled").First.ClickAsync();
        Assert.Equal(name, await page.Locator("#panel h2").InnerTextAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_fragment_edited_by_hand_is_followed_and_a_table_row_far_below_opens_the_panel_in_view()
    {
        var report = await reports.Browser.OpenAsync(reports.Large, width: 1366, height: 768);
        var page = report.Page;
        await page.EvaluateAsync("() => { window.location.hash = 'project=project-007-with-a-long-name'; }");
        await page.WaitForFunctionAsync("() => document.querySelector('#panel h2')?.textContent === 'project-007-with-a-long-name'");
        Assert.Equal(4, (await report.VisibleChordsAsync()).Length);

        await page.Locator("table.projects tbody tr").Nth(150).ScrollIntoViewIfNeededAsync();
        await page.Locator("table.projects tbody tr").Nth(150).ClickAsync();
        Assert.Equal("project-150-with-a-long-name", await page.Locator("#panel h2").InnerTextAsync());
        var box = await page.Locator("#panel").BoundingBoxAsync();
        Assert.True(box is { Y: >= -1 and < 700 }, $"the panel is at y={box?.Y}, outside the window");
        Assert.False(await page.Locator(".tooltip").IsVisibleAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task In_a_period_the_projects_table_says_which_figures_are_the_whole_historys()
    {
        var report = await reports.Browser.OpenAsync(reports.ByMonth, fragment: "#period=2020-01");
        var headers = await report.Page.Locator("table.projects th").AllInnerTextsAsync();
        Assert.Contains("excluded bot commits (whole history)", headers);
        Assert.Equal("Commits and developers in 2020-01.", await report.Page.Locator("#projects .note").First.InnerTextAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task A_forks_copied_history_is_named_where_the_pair_is_shown()
    {
        var report = await reports.Browser.OpenAsync(reports.Fork);
        var page = report.Page;
        var (x, y) = await report.ChordPointAsync("origin", "fork");
        await page.Mouse.ClickAsync(x, y);
        Assert.Equal(["Bob Stone\t1\t3\t1"], await page.Locator("#panel table.people tbody tr").AllInnerTextsAsync());
        Assert.StartsWith("25 commits in both histories (a fork, or a split that kept its history) are left out",
            await page.Locator("#panel .caution").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("origin and fork: 25 commits in both histories", await page.Locator("#warnings").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Play_morphs_through_the_periods_and_ends_on_the_same_diagram_as_the_last_period_drawn_alone()
    {
        var report = await reports.Browser.OpenAsync(reports.ByMonth);
        var page = report.Page;
        // The chart of a --by page uses the window, though the period controls sit above it.
        double size = await page.EvaluateAsync<double>("() => document.querySelector('#chart svg').getBoundingClientRect().width");
        double tall = await page.EvaluateAsync<double>("() => window.innerHeight");
        Assert.True(size >= 0.8 * tall || size >= 0.9 * await page.EvaluateAsync<double>("() => document.querySelector('main').clientWidth - 48 - 380"), $"chart {size} px in a window {tall} px tall");

        // The strip: one small diagram per view, from the first month two projects share someone (January shares nobody).
        Assert.Equal(["all", "2020-02"], await page.Locator("#strip .thumb span").AllInnerTextsAsync());
        await page.ClickAsync("#play");
        Assert.Equal("❚❚ pause", await page.InnerTextAsync("#play"));
        await page.WaitForFunctionAsync("() => document.querySelector('#play').textContent.includes('play')", null, new() { Timeout = 8000 });
        Assert.Equal("2020-02", await page.Locator("#period option:checked").InnerTextAsync());
        await page.WaitForTimeoutAsync(900); // the last morph
        const string Shapes = "() => [...document.querySelectorAll('.arc, .chord')].map(e => e.getAttribute('d')).sort()";
        var played = await page.EvaluateAsync<string[]>(Shapes);
        var alone = await reports.Browser.OpenAsync(reports.ByMonth, fragment: "#period=2020-02");
        Assert.Equal(await alone.Page.EvaluateAsync<string[]>(Shapes), played);
        Assert.Equal(0, await page.Locator(".chords .gone").CountAsync());

        // The slider and the strip choose periods too; the side column lists the period's strongest pairs.
        await page.Locator("#period-slider").FillAsync("1");
        Assert.Equal("2020-01", await page.Locator("#period option:checked").InnerTextAsync());
        Assert.Contains("No two projects share a developer", await page.InnerTextAsync("#period-top"), StringComparison.Ordinal);
        await page.ClickAsync("#strip .thumb >> nth=1");
        Assert.Equal("2020-02", await page.Locator("#period option:checked").InnerTextAsync());
        Assert.Equal("2", await page.InputValueAsync("#period-slider"));
        Assert.StartsWith("early ↔ late", await page.InnerTextAsync("#period-top li"), StringComparison.Ordinal);
        Assert.Empty(report.Errors.Concat(alone.Errors));
    }

    [Fact]
    public async Task Periods_share_one_scale_unless_asked_and_labels_turn_with_their_arcs()
    {
        var report = await reports.Browser.OpenAsync(reports.Grow);
        var page = report.Page;
        const string Arcs = "() => [...document.querySelectorAll('.groups g')].reduce((s, g) => s + g.__data__.endAngle - g.__data__.startAngle, 0)";
        Assert.True(await page.IsCheckedAsync("#same-scale"));
        await page.Locator("#period").SelectOptionAsync(new SelectOptionValue { Label = "2020" });
        await page.WaitForTimeoutAsync(900);
        double busiest = await page.EvaluateAsync<double>(Arcs);
        Assert.Equal(0, await page.Locator(".scale-rest").CountAsync());
        // 2019 shares 1 (sum-min) where 2020 shares 12: on one scale its arcs fill a twelfth of what 2020's do, the rest dashed.
        // (2020's label is read before the switch: read after it, a busy machine may already show the transition's end.)
        string labelBefore = await page.Locator(".labels text[data-project='small']").GetAttributeAsync("transform") ?? "";
        await page.Locator("#period").SelectOptionAsync(new SelectOptionValue { Label = "2019" });
        await page.WaitForTimeoutAsync(900);
        double quiet = await page.EvaluateAsync<double>(Arcs);
        Assert.InRange(quiet / busiest, 1 / 12.0 - 0.01, 1 / 12.0 + 0.01);
        Assert.Contains("2019 is 8% of the busiest period (2020)", await page.Locator(".scale-rest title").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("one scale for all periods", await page.InnerTextAsync("#legend"), StringComparison.Ordinal);

        // The label moved with its arc: it started where 2020 had it and ended where 2019 drawn alone has it.
        string labelAfter = await page.Locator(".labels text[data-project='small']").GetAttributeAsync("transform") ?? "";
        var alone = await reports.Browser.OpenAsync(reports.Grow, fragment: "#period=2019");
        Assert.Equal(await alone.Page.Locator(".labels text[data-project='small']").GetAttributeAsync("transform"), labelAfter);
        Assert.NotEqual(labelAfter, labelBefore);

        // Each period on its own scale: 2019 fills the circle as 2020 does, and the link says so.
        await page.UncheckAsync("#same-scale");
        Assert.Equal(0, await page.Locator(".scale-rest").CountAsync());
        // (one gap more than on one scale, where the rest keeps its place even in the busiest period)
        Assert.InRange(await page.EvaluateAsync<double>(Arcs), busiest, busiest + 0.05);
        Assert.Contains("scale=own", await page.EvaluateAsync<string>("() => location.hash"), StringComparison.Ordinal);
        Assert.Empty(report.Errors.Concat(alone.Errors));
    }

    [Fact]
    public async Task A_pairs_panel_shows_its_relatedness_over_the_periods()
    {
        var report = await reports.Browser.OpenAsync(reports.ByMonth, fragment: "#a=early&b=late");
        var page = report.Page;
        Assert.Equal(2, await page.Locator("#panel .over-time .point").CountAsync());
        // January: nothing shared (0); February: Lee, min(10, 14) = 10, √10.
        var titles = await page.Locator("#panel .over-time .point title").AllTextContentsAsync();
        Assert.Equal(["2020-01: relatedness 0.00, 0 shared developers", "2020-02: relatedness 3.16, 1 shared developer"], titles);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Who_moved_where_bands_sum_to_the_people_active_and_open_their_people()
    {
        var report = await reports.Browser.OpenAsync(reports.Moves);
        var page = report.Page;
        const string Bands = "() => [...document.querySelectorAll('.band')].map(b => `${b.dataset.period} ${b.dataset.from}>${b.dataset.to} ${b.dataset.value}`).sort()";
        // Projects only: Ann a→b and Bob staying in a (into February); Ann b→c (into March).
        Assert.Equal(["2020-02 a>a 1", "2020-02 a>b 1", "2020-03 b>c 1"], await page.EvaluateAsync<string[]>(Bands));
        // b's history ends in February (its last commit): Ann going on in c in March is b's data ending, not a move.
        Assert.Equal("moved", await page.Locator(".band[data-from='a'][data-to='b']").GetAttributeAsync("data-kind"));
        Assert.Equal("history ends", await page.Locator(".band[data-from='b'][data-to='c']").GetAttributeAsync("data-kind"));
        await page.Locator(".band[data-from='b'][data-to='c']").DispatchEventAsync("mouseover");
        Assert.Contains("history ends: b has no commit from 2020-03 on", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("moved", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator(".band[data-from='b'][data-to='c']").DispatchEventAsync("mouseout");
        // With arrivals and departures, the bands into each month hold everyone active in it or the month before.
        await page.CheckAsync("#currents-outside");
        var all = await page.EvaluateAsync<string[]>(Bands);
        Assert.Equal(3, all.Where(b => b.StartsWith("2020-02", StringComparison.Ordinal)).Sum(b => int.Parse(b.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(3, all.Where(b => b.StartsWith("2020-03", StringComparison.Ordinal)).Sum(b => int.Parse(b.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("2020-02 b>outside 1", all);
        Assert.Contains("2020-03 outside>c 1", all);

        // One Tab stop for all the bands; the arrow keys walk through them.
        Assert.Equal(1, await page.Locator(".band[tabindex='0']").CountAsync());
        await page.Locator(".band[tabindex='0']").FocusAsync();
        string first = await page.EvaluateAsync<string>("() => document.activeElement.dataset.from + '>' + document.activeElement.dataset.to");
        await page.Keyboard.PressAsync("ArrowRight");
        string second = await page.EvaluateAsync<string>("() => document.activeElement.dataset.from + '>' + document.activeElement.dataset.to");
        Assert.NotEqual(first, second);
        Assert.Equal(1, await page.Locator(".band[tabindex='0']").CountAsync());
        await page.Keyboard.PressAsync("Escape");

        // A band opens its people with their commits on each side.
        await page.Locator(".band[data-from='a'][data-to='b']").DispatchEventAsync("click");
        Assert.Equal("a → b, 2020-01 → 2020-02", await page.Locator("#currents-detail h3").InnerTextAsync());
        Assert.Equal(["Ann Example\t2\t3"], await page.Locator("#currents-detail table.flow-people tbody tr").AllInnerTextsAsync());

        // A person: their commits per project per period, and their bands highlighted.
        await page.Locator("#currents-detail table.flow-people tbody tr").First.ClickAsync();
        Assert.Equal("Ann Example · 2020-02", await page.Locator("#panel h2").InnerTextAsync()); // the band's period, not the chart's
        Assert.Equal("2020-02", await page.Locator("#period option:checked").InnerTextAsync());
        Assert.Equal(3, await page.Locator("#panel .timeline circle").CountAsync());
        var lit = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.band:not(.dim)')].map(b => `${b.dataset.from}>${b.dataset.to}`).sort()");
        Assert.Equal(["a>b", "b>c"], lit);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task With_periods_search_finds_everyone_active_in_two_projects_and_shows_their_timeline()
    {
        var report = await reports.Browser.OpenAsync(reports.Moves, fragment: "#period=2020-03");
        var page = report.Page;
        // Bob shares nothing in March, but he is found, with his whole-history commits.
        await page.FillAsync("#search", "bob");
        Assert.Equal(["Bob Example\nbob@example.org\na 5, b 1"], await page.Locator("#search-results li").AllInnerTextsAsync());
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("Bob Example · 2020-03", await page.Locator("#panel h2").InnerTextAsync());
        Assert.Contains("No commit shared with another project in 2020-03", await page.InnerTextAsync("#panel"), StringComparison.Ordinal);
        Assert.Equal(["a, 2020-01: 3 commits", "a, 2020-02: 2 commits", "b, 2020-01: 1 commit"], // a row per project, most commits first
            await page.Locator("#panel .timeline circle title").AllTextContentsAsync());
        Assert.Empty(report.Errors);
    }

    [Theory]
    [InlineData("period=2020-02&scale=own&order=input&min=1&project=b&q=ann&to=2020-02&width=commits&outside=1")]
    [InlineData("period=2020-01&a=a&b=b&from=2020-02")]
    [InlineData("person=bob%40example.org")]
    public async Task Every_state_field_comes_back_from_its_link(string fragment)
    {
        var report = await reports.Browser.OpenAsync(reports.Moves, fragment: $"#{fragment}");
        var page = report.Page;
        Assert.Equal($"#{fragment}", new Uri(page.Url).Fragment); // read, applied and written back the same
        var parameters = System.Web.HttpUtility.ParseQueryString(fragment);
        Assert.Equal(parameters["period"] ?? "whole history", await page.Locator("#period option:checked").InnerTextAsync());
        Assert.Equal(parameters["scale"] != "own", await page.IsCheckedAsync("#same-scale"));
        Assert.Equal(parameters["order"] ?? "clustered", await page.InputValueAsync("#order"));
        Assert.Equal(parameters["min"] ?? "0", await page.Locator("#minimum-value").InnerTextAsync());
        Assert.Equal(parameters["q"] ?? "", await page.InputValueAsync("#search"));
        string? panel = parameters["project"] ?? (parameters["a"] is { } a ? $"{a} ↔ {parameters["b"]}" : parameters["person"] is not null ? "Bob Example" : null);
        Assert.Equal(panel is not null, await page.Locator("#panel").IsVisibleAsync());
        if (panel is not null)
        {
            Assert.StartsWith(panel, await page.Locator("#panel h2").InnerTextAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(parameters["from"] ?? "2020-01", await page.Locator("#currents-from option:checked").InnerTextAsync());
        Assert.Equal(parameters["to"] ?? "2020-03", await page.Locator("#currents-to option:checked").InnerTextAsync());
        Assert.Equal(parameters["width"] ?? "people", await page.InputValueAsync("#currents-measure"));
        Assert.Equal(parameters["outside"] == "1", await page.IsCheckedAsync("#currents-outside"));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Who_moved_where_keeps_its_settings_in_the_url()
    {
        var report = await reports.Browser.OpenAsync(reports.Moves, fragment: "#outside=1&width=commits");
        var page = report.Page;
        Assert.True(await page.IsCheckedAsync("#currents-outside"));
        Assert.Equal("commits", await page.InputValueAsync("#currents-measure"));
        Assert.Contains("2020-02 b>outside", string.Join(' ', await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.band')].map(b => `${b.dataset.period} ${b.dataset.from}>${b.dataset.to}`)")), StringComparison.Ordinal);
        await page.SelectOptionAsync("#currents-from", new SelectOptionValue { Label = "2020-02" });
        Assert.Contains("from=2020-02", page.Url, StringComparison.Ordinal);
        Assert.Equal(["2020-03"], (await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.band')].map(b => b.dataset.period)")).Distinct());
        Assert.Empty(report.Errors);
    }
}
