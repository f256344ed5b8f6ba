using System.Text;
using Kashika.Testing;

namespace Kashika.BrowserTests;

/// <summary>
/// The trace page on the recording kinds beyond on-CPU samples of one process: named threads (a process is its pid,
/// named by its command), several events (the warning at the top), off-CPU time (its unit and wait states).
/// </summary>
public sealed class TraceKindsPageTests : PageTest
{
    private static string Sample(string comm, string pidTid, string time, string perfEvent, params string[] leafFirst) =>
        $"{comm} {pidTid} [000] {time}: 1000000 {perfEvent}:\n" + string.Concat(leafFirst.Select(f => $"\t4005d0 {f} (/usr/bin/app)\n")) + "\n";

    [Fact]
    public async Task A_process_with_three_named_threads_is_one_process_with_three_threads()
    {
        var text = new StringBuilder();
        text.Append(Sample("thr", "10/10", "1.000000", "cpu-clock", "spin_a", "main"));
        for (int i = 0; i < 4; i++)
        {
            text.Append(Sample("worker-1", "10/11", $"1.00{i + 1}000", "cpu-clock", "spin_a", "start_thread"));
            text.Append(Sample("worker-2", "10/12", $"1.01{i + 1}000", "cpu-clock", "spin_b", "start_thread"));
        }

        // Thread-pool threads of the same name in two processes: two processes, not one pool.
        text.Append(Sample("dotnet", "20/20", "1.100000", "cpu-clock", "Main"));
        text.Append(Sample(".NET_TP_Worker", "20/21", "1.101000", "cpu-clock", "Work"));
        text.Append(Sample(".NET_TP_Worker", "30/31", "1.102000", "cpu-clock", "Work"));
        File.WriteAllText(Dir.Combine("threads.txt"), text.ToString());
        KashikaProcess.Succeed(Dir.Path, "trace", "threads.txt", "-o", "threads.html");

        var report = await Browser.OpenAsync(Dir.Combine("threads.html"));
        var page = report.Page;
        await page.WaitForSelectorAsync("body[data-ready]");
        string[] level = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll(\"#view g.frame[data-depth='1']\")].map(e => e.dataset.name)");
        Assert.Equal([".NET_TP_Worker 30", "dotnet 20", "thr 10"], level.Order(StringComparer.Ordinal));
        // thr is 9 of the 12 samples: 75 %, not the 1 sample of its main thread.
        await page.HoverAsync("#view g.frame[data-name='thr 10']");
        Assert.Contains("total 9 ms of cpu-clock · 75.0% of all", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(["thr 10/10", "worker-1 10/11", "worker-2 10/12"], (await page.Locator("label.thread .name").AllInnerTextsAsync()).Where(n => n.Contains(" 10/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));

        // Hide this process: all three threads go.
        await page.ClickAsync("#view g.frame[data-name='thr 10']");
        await page.ClickAsync("#panel button[data-action='hide']");
        Assert.StartsWith("3 ms of cpu-clock shown of 12 ms", await page.Locator("#summary").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await page.Locator("label.thread input:not(:checked)").CountAsync());
        await report.ScreenshotAsync("trace-named-threads.png");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Warnings_are_shown_at_the_top_of_the_page()
    {
        var text = new StringBuilder();
        text.Append(Sample("app", "1/1", "1.000000", "cpu-clock", "main"));
        text.Append(Sample("app", "1/1", "1.001000", "page-faults", "memset", "main"));
        text.Append(Sample("app", "1/1", "1.002000", "cpu-clock", "work", "main"));
        File.WriteAllText(Dir.Combine("mixed.txt"), text.ToString());
        KashikaProcess.Succeed(Dir.Path, "trace", "mixed.txt", "-o", "mixed.html");

        var report = await Browser.OpenAsync(Dir.Combine("mixed.html"));
        var page = report.Page;
        await page.WaitForSelectorAsync("body[data-ready]");
        string warnings = await page.Locator("#warnings").InnerTextAsync();
        Assert.Contains("several events: counted 'cpu-clock' (the first event in the input), skipped 'page-faults' (1 samples); choose with --event", warnings, StringComparison.Ordinal);
        Assert.True(await page.Locator("#warnings").IsVisibleAsync());
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Off_cpu_time_is_shown_in_ms_off_cpu_with_the_wait_state_on_top()
    {
        static string Switch(string comm, int tid, string time, string state, int next, params string[] leafFirst) =>
            $"{comm} 10/{tid} [000] {time}: 1 sched:sched_switch: prev_comm={comm} prev_pid={tid} prev_prio=120 prev_state={state} ==> next_comm=x next_pid={next} next_prio=120\n"
            + string.Concat(leafFirst.Select(f => $"\tffffffff81000000 {f} ([kernel.kallsyms])\n")) + "\n";
        string text = Switch("app", 11, "1.000000", "S", 12, "schedule", "nanosleep", "main")
            + Switch("app", 12, "1.100000", "D", 11, "schedule", "io_schedule", "read_file")
            + Switch("app", 11, "1.300000", "S", 12, "schedule", "nanosleep", "main");
        File.WriteAllText(Dir.Combine("switches.txt"), text);
        KashikaProcess.Succeed(Dir.Path, "trace", "--off-cpu", "switches.txt", "-o", "off.html");

        var report = await Browser.OpenAsync(Dir.Combine("off.html"));
        var page = report.Page;
        await page.WaitForSelectorAsync("body[data-ready]");
        // 11 waited 1.0 → 1.1 s (sleeping), 12 waited 1.1 → 1.3 s (disk).
        Assert.StartsWith("300 ms off-CPU shown", await page.Locator("#summary").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("#view g.frame[data-name='[off-CPU D: uninterruptible (disk, I/O)]']").CountAsync());
        Assert.Equal(1, await page.Locator("#view g.frame[data-name='[off-CPU S: sleeping]']").CountAsync());
        await page.HoverAsync("#view g.frame[data-name='io_schedule']");
        Assert.Contains("total 200 ms off-CPU", await page.Locator(".tooltip").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("off-CPU: 1 of 3 switch-outs not counted", await page.Locator("#warnings").InnerTextAsync(), StringComparison.Ordinal);
        await report.ScreenshotAsync("trace-off-cpu.png");
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task Stacks_without_threads_have_no_thread_list_and_their_first_frame_is_a_function()
    {
        File.WriteAllText(Dir.Combine("go.folded"), "main.main;main.work;sort.Ints 7\nmain.main;runtime.mallocgc 3\n");
        KashikaProcess.Succeed(Dir.Path, "trace", "go.folded", "-o", "go.html");
        var report = await Browser.OpenAsync(Dir.Combine("go.html"));
        var page = report.Page;
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.Equal(0, await page.Locator("#threads").CountAsync());
        Assert.Equal(0, await page.Locator("#split").CountAsync());
        Assert.Equal(["main.main"], await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll(\"#view g.frame[data-depth='1']\")].map(e => e.dataset.name)"));
        await page.ClickAsync("#views button[data-view='table']");
        Assert.Contains("main.main", await page.Locator("table.functions").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(report.Errors);
    }
}
