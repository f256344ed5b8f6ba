using Kashika.Testing;
using Microsoft.Playwright;

namespace Kashika.BrowserTests;

/// <summary>Debian's Chromium, driven by Playwright (which cannot download a browser here), one per test class.</summary>
public sealed class Browser : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            return;
        }

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh page of the given size, collecting console errors, page errors and dialogs (which a report never opens).</summary>
    public async Task<ReportPage> OpenAsync(string file, int width = 1400, int height = 1200, string fragment = "")
    {
        if (browser is null)
        {
            Requirements.Missing($"Chromium is not installed at {Chromium} (apt-get install chromium)");
        }

        var page = await browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true });
        page.SetDefaultTimeout(5000);
        var report = new ReportPage(page);
        await page.GotoAsync(new Uri(file).AbsoluteUri + fragment);
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}

/// <summary>A report open in the browser, with what went wrong on it.</summary>
public sealed class ReportPage
{
    public ReportPage(IPage page)
    {
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => Errors.Add($"page error: {error}");
        page.Dialog += async (_, dialog) =>
        {
            Errors.Add($"dialog opened: {dialog.Message}");
            await dialog.DismissAsync();
        };
        page.Request += (_, request) =>
        {
            // blob: is a file the page made itself (a saved chart or table): still nothing leaves the machine.
            if (!request.Url.StartsWith("file:", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)
                && !request.Url.StartsWith("blob:", StringComparison.Ordinal))
            {
                Errors.Add($"network request: {request.Url}");
            }
        };
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    /// <summary>Clicks a save button and returns the file it gave: its name and bytes.</summary>
    public async Task<(string Name, byte[] Bytes)> DownloadAsync(string selector)
    {
        var download = await Page.RunAndWaitForDownloadAsync(() => Page.ClickAsync(selector));
        string path = await download.PathAsync();
        return (download.SuggestedFilename, await File.ReadAllBytesAsync(path));
    }

    /// <summary>Screen coordinates of a point the page stored in data attributes (SVG user units) of an element.</summary>
    public async Task<(float X, float Y)> PointAsync(string selector, string xAttribute, string yAttribute)
    {
        var xy = await Page.EvaluateAsync<float[]>(
            @"([sel, ax, ay]) => {
                const el = document.querySelector(sel);
                const svg = el.ownerSVGElement;
                const p = svg.createSVGPoint();
                p.x = +el.getAttribute(ax); p.y = +el.getAttribute(ay);
                const s = p.matrixTransform(el.getScreenCTM());
                return [s.x, s.y];
            }",
            new[] { selector, xAttribute, yAttribute });
        return (xy[0], xy[1]);
    }

    /// <summary>A point on a project's arc (its centroid: the centre of its bounding box may lie on a ribbon).</summary>
    public Task<(float X, float Y)> ProjectPointAsync(string project) => PointAsync($".group[data-project='{project}']", "data-cx", "data-cy");

    /// <summary>A point surely on the ribbon between two projects (or on the first ribbon, with no names).</summary>
    public Task<(float X, float Y)> ChordPointAsync(string? a = null, string? b = null) =>
        PointAsync(a is null ? ".chord" : $".chord[data-a='{a}'][data-b='{b}']", "data-hx", "data-hy");

    /// <summary>The chords in front now (the others are faded), as "a-b".</summary>
    public Task<string[]> VisibleChordsAsync() => Page.EvaluateAsync<string[]>(
        "() => [...document.querySelectorAll('.chord')].filter(c => +getComputedStyle(c).opacity > 0.5 && getComputedStyle(c).display !== 'none').map(c => c.dataset.a + '-' + c.dataset.b)");

    public async Task ScreenshotAsync(string name)
    {
        string folder = Path.Combine(Paths.RepositoryRoot, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
    }
}

/// <summary>A test class with a folder of its own and a browser, both gone when it ends.</summary>
public abstract class PageTest : IAsyncLifetime
{
    protected TempDirectory Dir { get; } = new();

    protected Browser Browser { get; } = new();

    public async ValueTask InitializeAsync() => await Browser.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
