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

    // Older sysstat's names, as articles use them: each says what it became and how to convert.
    [Theory]
    [InlineData("avgqu-sz", "aqu-sz", "avgqu-sz = aqu-sz")]
    [InlineData("avgrq-sz", "areq-sz", "avgrq-sz = areq-sz × 2")]
    [InlineData("svctm", "removed in sysstat 12.1.2", "svctm = %util × 10 / (r/s + w/s)")]
    [InlineData("rsec/s", "rkB/s", "rsec/s = rkB/s × 2")]
    [InlineData("wsec/s", "wkB/s", "wsec/s = wkB/s × 2")]
    public void Old_column_names_say_what_they_became(string old, string now, string conversion)
    {
        var result = KashikaProcess.Run(Path.GetTempPath(), "iostat", "--explain", old);
        Assert.True(result.ExitCode == 0, result.StandardError);
        string became = result.StandardOutput.Split('\n').Single(l => l.StartsWith("  became:", StringComparison.Ordinal));
        Assert.Contains(now, became, StringComparison.Ordinal);
        Assert.Contains(conversion, became, StringComparison.Ordinal);
        Assert.StartsWith(old + "\n", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("%iowait", "idle time")]
    [InlineData("steal", "hypervisor")]
    public void The_cpu_columns_are_explained(string column, string words)
    {
        var result = KashikaProcess.Run(Path.GetTempPath(), "iostat", "--explain", column);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains(words, result.StandardOutput, StringComparison.Ordinal);
    }
}
