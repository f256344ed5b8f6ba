using Kashika.Testing;

namespace Kashika.Tests.Reports;

/// <summary>The report pages' pure transforms (web/src/*/model.js), tested with node's own runner as part of this suite.</summary>
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
        string types = Path.Combine(Paths.RepositoryRoot, "web", "src", "trace", "data.ts");
        var check = new System.Text.StringBuilder($"import type {{ TracePageDocument }} from {System.Text.Json.JsonSerializer.Serialize(types)};\n");
        foreach (string page in (string[])["a.html", "diff.html", "c.html"])
        {
            check.Append($"export const {Path.GetFileNameWithoutExtension(page)} = {Island(File.ReadAllText(dir.Combine(page)))} satisfies TracePageDocument;\n");
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
