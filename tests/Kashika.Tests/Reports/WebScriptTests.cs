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
}
