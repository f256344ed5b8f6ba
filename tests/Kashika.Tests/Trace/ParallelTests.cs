using Kashika.Core.Trace;
using Kashika.Testing;

namespace Kashika.Tests.Trace;

/// <summary>Folding on several threads, in blocks cut at sample boundaries, gives exactly what one thread gives.</summary>
public sealed class ParallelTests
{
    public static TheoryData<string, string> Inputs => new()
    {
        { "FlameGraph/example-perf-stacks.txt.gz", "" },
        { "FlameGraph/test/perf-cycles-instructions-01.txt", "tid" }, // two events: the first block decides
        { "FlameGraph/test/perf-vertx-stacks-01.txt", "pid" }, // no event names
        { "inferno/tests/data/collapse-perf/single-line-stacks.txt", "" }, // no blank lines at all
        { "FlameGraph/test/perf-java-stacks-01.txt", "all" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Blocks_on_two_threads_equal_one_thread(string input, string option)
    {
        string path = Paths.RequireCorpus(Path.Combine("trace", input));
        var options = option switch
        {
            "tid" => new CollapseOptions(Tid: true),
            "pid" => new CollapseOptions(Pid: true),
            "all" => new CollapseOptions(Kernel: true, Jit: true),
            _ => new CollapseOptions(),
        };
        var (single, one) = Fold.File(path, options);
        // 300 bytes: the first block holds only perf's header comments (a regression: workers each chose an event).
        foreach (int blockSize in new[] { 300, 1024, 4096, 65536 })
        {
            var (parallel, two) = Fold.File(path, options, threads: 2, blockSize);
            Assert.Equal(single, parallel);
            Assert.Equal(one.Samples, two.Samples);
            Assert.Equal(one.SkippedEvents, two.SkippedEvents);
        }
    }

    [Fact]
    public void Unrecognised_lines_keep_their_line_numbers_across_blocks()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("noisy.txt");
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 400; i++)
        {
            text.Append("app 1 1.0: 1 cpu-clock:\n\t1 f (/x)\n").Append(i == 300 ? "garbage here\n" : "").Append('\n');
        }

        File.WriteAllText(path, text.ToString());
        var (_, reader) = Fold.File(path, new CollapseOptions(), threads: 2, blockSize: 512);
        Assert.Equal(1, reader.UnrecognizedLines);
        Assert.Equal((300 * 3) + 3, reader.FirstUnrecognized[0].Line);
        Assert.Equal(400, reader.Samples);
    }
}
