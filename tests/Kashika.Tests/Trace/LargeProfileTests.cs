using System.Text;
using System.Text.Json;
using Kashika.Core.Trace;
using Kashika.Testing;

namespace Kashika.Tests.Trace;

/// <summary>Large, diverse profiles: past 65,535 distinct frames, stacks 100,000 frames deep, a worker that fails.</summary>
public sealed class LargeProfileTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    // One sample per stack: "comm 1234 [000] 1.000000: cycles:" then the frames, leaf first.
    private static string Samples(IEnumerable<string[]> leafFirstStacks)
    {
        var text = new StringBuilder();
        foreach (var stack in leafFirstStacks)
        {
            text.Append("comm 1234 [000] 1.000000: cycles:\n");
            foreach (string frame in stack)
            {
                text.Append("\tffff ").Append(frame).Append(" (/bin/x)\n");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static IEnumerable<string[]> DistinctLeaves(int count) =>
        Enumerable.Range(0, count).Select(i => new[] { $"leaf_{i}", $"mid_{i % 97}", "main" });

    // The reference: what folding means, written as plainly as possible (samples split on blank lines, one frame per line).
    private static string Reference(string perfScript)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string sample in perfScript.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = sample.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            string stack = string.Join(';', lines.Skip(1).Reverse().Select(l => l.Trim().Split(' ')[1]).Prepend(lines[0].Split(' ')[0]));
            counts[stack] = counts.GetValueOrDefault(stack) + 1;
        }

        return string.Concat(counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}\n"));
    }

    private string Write(string name, string text)
    {
        string path = dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Seventy_thousand_distinct_frames_fold_exactly_on_one_and_two_threads()
    {
        string text = Samples(DistinctLeaves(70_000));
        string path = Write("leaves.txt", text);
        string expected = Reference(text);
        var (one, reader) = Fold.File(path, new CollapseOptions());
        Assert.Equal(70_000, reader.Samples);
        Assert.Equal(expected, one);
        foreach (int blockSize in new[] { 4096, 1 << 20 })
        {
            Assert.Equal(expected, Fold.File(path, new CollapseOptions(), threads: 2, blockSize).Folded);
        }

        // And through the real CLI, on both thread counts.
        foreach (string threads in new[] { "1", "2" })
        {
            var result = KashikaProcess.Run(dir.Path, "trace", "collapse", "--threads", threads, "leaves.txt");
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Equal(expected, result.StandardOutput);
        }
    }

    [Fact]
    public void A_stack_of_a_hundred_thousand_distinct_frames_folds_whole()
    {
        var stack = Enumerable.Range(0, 100_000).Select(i => $"f_{i}").ToArray();
        string text = Samples(Enumerable.Repeat(stack, 100));
        string path = Write("deep.txt", text);
        var (folded, reader) = Fold.File(path, new CollapseOptions());
        Assert.Equal(100, reader.Samples);
        Assert.Equal(Reference(text), folded);
        Assert.Equal(folded, Fold.File(path, new CollapseOptions(), threads: 2, blockSize: 1 << 16).Folded);
    }

    [Fact]
    public void Deep_stacks_are_written_as_json_speedscope_and_d3trace()
    {
        var stack = Enumerable.Range(0, 100_000).Select(i => $"f_{i % 1000}").ToArray(); // deep recursion of 1,000 functions
        Write("deep.txt", Samples([stack, stack[1..]]));

        // The call tree: "all", the process, then 100,000 frames from the root down to the leaf f_0.
        var tree = KashikaProcess.Run(dir.Path, "trace", "collapse", "--format", "json", "deep.txt");
        Assert.True(tree.ExitCode == 0, tree.StandardError);
        var (depth, strings, deepest) = Scan(tree.StandardOutput);
        Assert.Equal((2 * (1 + 100_000)) + 1, depth); // node k at depth 2k (inside its parent's "children"), its fields one deeper
        Assert.Equal("f_0", deepest);
        Assert.Equal(2 + 100_000, strings.Count(s => s == "name"));

        var speedscope = KashikaProcess.Run(dir.Path, "trace", "collapse", "--format", "speedscope", "deep.txt");
        Assert.True(speedscope.ExitCode == 0, speedscope.StandardError);
        using (var json = JsonDocument.Parse(speedscope.StandardOutput))
        {
            var samples = json.RootElement.GetProperty("profiles")[0].GetProperty("samples");
            Assert.Equal([1 + 99_999, 1 + 100_000], samples.EnumerateArray().Select(s => s.GetArrayLength()).Order());
        }

        var d3 = KashikaProcess.Run(dir.Path, "trace", "collapse", "--format", "d3trace", "deep.txt");
        Assert.True(d3.ExitCode == 0, d3.StandardError);
        var (d3Depth, _, d3Deepest) = Scan(d3.StandardOutput["var trace_json = ".Length..^2]);
        Assert.Equal((2 * 100_000) + 1, d3Depth); // the process name is left out, as the original did; the leaf is "size" only
        Assert.Equal("f_0", d3Deepest);
    }

    // Reads a whole JSON text (syntax checked, no depth limit): its deepest nesting, every string in order, and the
    // "name" of the deepest object.
    private static (int Depth, List<string> Strings, string? Deepest) Scan(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = int.MaxValue });
        int depth = 0, deepestAt = -1;
        string? deepest = null;
        var strings = new List<string>();
        while (reader.Read())
        {
            depth = Math.Max(depth, reader.CurrentDepth);
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                strings.Add(reader.GetString()!);
                if (reader.TokenType == JsonTokenType.String && strings.Count > 1 && strings[^2] == "name" && reader.CurrentDepth > deepestAt)
                {
                    (deepest, deepestAt) = (strings[^1], reader.CurrentDepth);
                }
            }
        }

        return (depth, strings, deepest);
    }

    [Fact]
    public async Task A_failing_worker_ends_the_read_promptly_with_its_own_error()
    {
        string path = Write("leaves.txt", Samples(DistinctLeaves(20_000)));
        var reader = new TraceReader(new CollapseOptions(), threads: 2, blockSize: 4096, workerBlock: linesBefore =>
        {
            if (linesBefore > 30_000)
            {
                throw new InvalidOperationException("injected worker failure");
            }
        });
        var read = Task.Run(
            () =>
            {
                using var input = File.OpenRead(path);
                reader.Read(input, "leaves.txt");
            },
            TestContext.Current.CancellationToken);
        // Not wrapped by the reader, and within seconds: the worker's exception itself (a TimeoutException means a hang).
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => read.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Equal("injected worker failure", error.Message);
    }

    [Fact]
    public async Task A_reader_failure_stops_the_workers_and_is_the_error_reported()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Samples(DistinctLeaves(20_000)));
        var reader = new TraceReader(new CollapseOptions(), threads: 2, blockSize: 4096);
        var read = Task.Run(() => reader.Read(new FailingStream(bytes, failAfter: bytes.Length / 2), "broken"), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<IOException>(() => read.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }

    private sealed class FailingStream(byte[] bytes, int failAfter) : Stream
    {
        private readonly MemoryStream inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            inner.Position >= failAfter ? throw new IOException("the disk went away") : inner.Read(buffer, offset, (int)Math.Min(count, failAfter - inner.Position));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>The order of folded stacks is the byte order of their lines, however their frames' names relate.</summary>
public sealed class FoldedOrderTests
{
    [Fact]
    public void Stacks_sort_as_their_folded_lines_even_when_names_are_prefixes_of_each_other()
    {
        // Names that are prefixes of others, followed by chars below and above ';', and a name holding ';' itself.
        string[] names = ["a", "a1", "a:", "a<", "ab", "b", "b!", "b;c", "", "~", "a;"];
        var random = new Random(7);
        var frames = new FrameTable();
        var stacks = new List<(int[] Frames, long Count)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 3000; i++)
        {
            int[] ids = Enumerable.Range(0, random.Next(1, 5)).Select(_ => frames.Add(names[random.Next(names.Length)], FrameKind.User)).ToArray();
            if (seen.Add(string.Join(',', ids)))
            {
                stacks.Add((ids, 1));
            }
        }

        var profile = CollapsedProfile.Create(frames, stacks);
        var lines = profile.Stacks.Select(profile.Folded).ToList();
        Assert.Equal(lines.Order(StringComparer.Ordinal), lines);
    }
}
