using Kashika.Testing;

namespace Kashika.BrowserTests;

/// <summary>The trace page of a fleet: pprof profiles of two hosts (--label host=…) drawn as one, hosts as root frames.</summary>
public sealed class TraceFleetPageTests : PageTest
{
    [Fact]
    public async Task Hosts_are_the_first_level_and_coloured_as_labels()
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
        Assert.Contains("label", await page.Locator("#legend").InnerTextAsync(), StringComparison.Ordinal);
        await report.ScreenshotAsync("trace-fleet.png");
        Assert.Empty(report.Errors);
    }
}
