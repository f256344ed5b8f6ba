using Kashika.Testing;

namespace Kashika.BrowserTests;

/// <summary>The trace page of a fleet: pprof profiles of two hosts (--label host=…) drawn as one, hosts as the first level
/// (labels are the samples' context, like threads, never frames) and in the thread list.</summary>
public sealed class TraceFleetPageTests : PageTest
{
    [Fact]
    public async Task Hosts_are_the_first_level_and_a_filter_not_frames()
    {
        File.WriteAllText(Dir.Combine("a.txt"), "app;main;work 5\napp;main;idle 2\n");
        File.WriteAllText(Dir.Combine("b.txt"), "app;main;work 3\n");
        KashikaProcess.Succeed(Dir.Path, "trace", "collapse", "a.txt", "--label", "host=web1", "--format", "pprof", "-o", "a.pb.gz");
        KashikaProcess.Succeed(Dir.Path, "trace", "collapse", "b.txt", "--label", "host=web2", "--format", "pprof", "-o", "b.pb.gz");
        KashikaProcess.Succeed(Dir.Path, "trace", "a.pb.gz", "b.pb.gz", "-o", "fleet.html");

        var report = await Browser.OpenAsync(Dir.Combine("fleet.html"));
        var page = report.Page;
        await page.WaitForSelectorAsync("body[data-ready]");
        string[] hosts = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll(\"#view g.frame[data-depth='1']\")].map(e => e.dataset.name)");
        Assert.Equal(["host=web1", "host=web2"], hosts.Order());
        Assert.Equal(["host=web1", "host=web2"], (await page.Locator("label.thread .name").AllInnerTextsAsync()).Order());
        Assert.Equal(0, await page.Locator("table.functions td:text-is('host=web1')").CountAsync()); // not a function
        Assert.Equal(0, await page.Locator("#warnings").CountAsync());
        await report.ScreenshotAsync("trace-fleet.png");
        Assert.Empty(report.Errors);
    }
}
