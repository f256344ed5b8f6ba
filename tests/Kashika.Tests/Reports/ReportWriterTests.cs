using Kashika.Reports;
using Kashika.Testing;

namespace Kashika.Tests.Reports;

public sealed class ReportWriterTests
{
    private sealed class Text(bool fail = false) : IReportFormat<string>
    {
        public string Name => "text";

        public string? DefaultFileName => "report.txt";

        public void Write(string model, Stream output)
        {
            output.Write(System.Text.Encoding.UTF8.GetBytes(model));
            if (fail)
            {
                throw new InvalidOperationException("failed half way");
            }
        }
    }

    [Fact]
    public void Writes_the_whole_file_and_no_temporary()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("out.txt");
        Assert.Equal(path, ReportWriter.Write(new Text(), "hello", path, Stream.Null));
        Assert.Equal("hello", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_failing_format_leaves_the_old_report_and_nothing_else()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("out.txt");
        File.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => ReportWriter.Write(new Text(fail: true), "new", path, Stream.Null));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void An_unwritable_place_is_an_output_error_naming_the_path()
    {
        var error = Assert.Throws<OutputException>(() => ReportWriter.Write(new Text(), "x", "/nonexistent-dir/out.txt", Stream.Null));
        Assert.StartsWith("cannot write /nonexistent-dir/out.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Formats_without_a_default_file_go_to_standard_output()
    {
        var stdout = new MemoryStream();
        Assert.Null(ReportWriter.Write(new Text(), "to stdout", "-", stdout));
        Assert.Equal("to stdout", System.Text.Encoding.UTF8.GetString(stdout.ToArray()));
    }
}
