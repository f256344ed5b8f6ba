using Kashika.Testing;

namespace Kashika.Tests.Reports;

/// <summary>The report pages' pure transforms (web/src/*/model.ts, state.ts), tested with node's own runner as part of this suite.</summary>
public sealed class WebScriptTests
{
    [Fact]
    public async Task The_page_script_transforms_pass_their_unit_tests()
    {
        var start = new System.Diagnostics.ProcessStartInfo("node", ["--import", "tsx", "--test", "test/"])
        {
            WorkingDirectory = Path.Combine(Paths.RepositoryRoot, "web"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Requirements.Missing("node is not installed (it builds the report views)");
            return;
        }

        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken) + await stderr;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("# fail 0", output, StringComparison.Ordinal);
        Assert.DoesNotContain("# pass 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_relate_and_iostat_data_islands_satisfy_their_typescript_types()
    {
        using var dir = new TempDirectory();
        // relate with periods, person joins, people and moves; and without (the optional parts left out).
        foreach (string repo in (string[])["a", "b"])
        {
            var r = dir.Repo(repo);
            r.GitAs("Ann Lee", "ann@x.org", "2020-03-01T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "x");
            r.GitAs("Ann Lee", "ann@y.org", "2021-03-01T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "x");
        }

        KashikaProcess.Succeed(dir.Path, "relate", "--no-cache", "--by", "year", "--identity", "person", "-o", "by.html", "a", "b");
        KashikaProcess.Succeed(dir.Path, "relate", "--no-cache", "-o", "plain.html", "a", "b");
        // The network page of many projects (asked for here with two): no matrices, the sparse part.
        KashikaProcess.Succeed(dir.Path, "relate", "--no-cache", "--by", "year", "--view", "network", "-o", "network.html", "a", "b");
        KashikaProcess.Succeed(dir.Path, "iostat", "-x", "--record", "io.rec", "1", "2"); // this machine, two seconds
        KashikaProcess.Succeed(dir.Path, "iostat", "--replay", "io.rec", "--format", "html", "-o", "io.html");
        TypeCheck(dir, [("relate", "RelateDocument", "by.html"), ("relate", "RelateDocument", "plain.html"), ("ecosystem", "EcosystemDocument", "network.html"), ("iostat", "IoStatChartDocument", "io.html")]);
    }

    /// <summary>
    /// The page's data types (web/src/*/data.ts) against what the C# report writer puts in real pages: each island is
    /// type-checked as an object literal that must satisfy its type, so a field the C# side adds, drops, renames or
    /// retypes fails here (excess and missing properties alike).
    /// </summary>
    [Fact]
    public void The_trace_data_island_satisfies_its_typescript_types()
    {
        using var dir = new TempDirectory();
        // Threads, labels, time slices, kernel and user frames; and a diff (two profiles).
        string Sample(string comm, string ids, string time, params string[] frames) =>
            $"{comm} {ids} [000] {time}: 1000000 cpu-clock:\n" + string.Concat(frames.Reverse().Select(f => f == "do_syscall_64"
                ? "\tffffffff81000000 do_syscall_64 ([kernel.kallsyms])\n" : $"\t4005d0 {f} (/usr/bin/app)\n")) + "\n";
        File.WriteAllText(dir.Combine("a.txt"), Sample("app", "1/1", "1.000100", "main", "work") + Sample("app", "1/2", "2.000200", "main", "do_syscall_64"));
        File.WriteAllText(dir.Combine("b.txt"), Sample("app", "1/1", "1.000100", "main", "idle"));
        File.WriteAllText(dir.Combine("c.folded"), "a;b 3\na;c 1\n");
        KashikaProcess.Succeed(dir.Path, "trace", "a.txt", "-o", "a.html");
        KashikaProcess.Succeed(dir.Path, "trace", "diff", "b.txt", "a.txt", "-o", "diff.html");
        KashikaProcess.Succeed(dir.Path, "trace", "c.folded", "--label", "host=web1", "-o", "c.html");
        TypeCheck(dir, [("trace", "TracePageDocument", "a.html"), ("trace", "TracePageDocument", "diff.html"), ("trace", "TracePageDocument", "c.html")]);
    }

    // Each page's island as an object literal that must satisfy the type of its page's data.ts.
    private static void TypeCheck(TempDirectory dir, (string View, string Type, string Page)[] pages)
    {
        var check = new System.Text.StringBuilder();
        foreach (var (view, type, _) in pages.DistinctBy(p => p.View))
        {
            string types = Path.Combine(Paths.RepositoryRoot, "web", "src", view, "data.ts");
            check.Append($"import type {{ {type} }} from {System.Text.Json.JsonSerializer.Serialize(types)};\n");
        }

        foreach (var (_, type, page) in pages)
        {
            check.Append($"export const page{check.Length} = {Island(File.ReadAllText(dir.Combine(page)))} satisfies {type};\n");
        }

        File.WriteAllText(dir.Combine("check.ts"), check.ToString());
        string tsc = Path.Combine(Paths.RepositoryRoot, "web", "node_modules", "typescript", "bin", "tsc");
        var result = ExternalTool.Run(dir.Path, "node", tsc, "--noEmit", "--strict", "--allowImportingTsExtensions", "--skipLibCheck",
            "--target", "es2020", "--module", "esnext", "--moduleResolution", "bundler", "--types", "", "check.ts");
        if (result is null)
        {
            Requirements.Missing("node is not installed (it type-checks the report views)");
            return;
        }

        Assert.True(result.Value.ExitCode == 0, result.Value.Output + result.Value.Error);
    }

    private static string Island(string html)
    {
        const string open = "<script id=\"kashika-data\" type=\"application/json\">";
        int start = html.IndexOf(open, StringComparison.Ordinal) + open.Length;
        return html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)];
    }
}
