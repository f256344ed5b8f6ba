using Kashika.Core.IoStat;
using Kashika.Testing;

namespace Kashika.Tests.IoStat;

public sealed class ExplainTests
{
    [Theory]
    [InlineData("-dx")]
    [InlineData("-dxs")]
    [InlineData("-d")]
    [InlineData("-ds")]
    public void Every_column_of_every_report_is_explained(string flags)
    {
        var result = KashikaProcess.Run(Path.GetTempPath(), "iostat", flags, "ALL");
        Assert.True(result.ExitCode == 0, result.StandardError);
        string header = result.StandardOutput.Split('\n').First(l => l.StartsWith("Device", StringComparison.Ordinal));
        foreach (string column in header.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            Assert.True(ColumnGuide.Find(column) is not null, $"no explanation for {column}");
        }
    }

    [Fact]
    public void Explain_one_column_or_say_which_exist()
    {
        var util = KashikaProcess.Run(Path.GetTempPath(), "iostat", "--explain", "%util");
        Assert.Equal(0, util.ExitCode);
        Assert.Contains("io_ticks", util.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("NVMe", util.StandardOutput, StringComparison.Ordinal);

        var svctm = KashikaProcess.Run(Path.GetTempPath(), "iostat", "--explain", "svctm");
        Assert.Contains("removed", svctm.StandardOutput, StringComparison.Ordinal);

        var unknown = KashikaProcess.Run(Path.GetTempPath(), "iostat", "--explain", "bogus");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("kashika: error: no iostat column 'bogus'; columns: r/s", unknown.StandardError, StringComparison.Ordinal);
    }
}
