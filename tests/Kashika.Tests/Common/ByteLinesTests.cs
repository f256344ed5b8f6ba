using System.Text;
using Kashika.Core.Common;

namespace Kashika.Tests.Common;

public sealed class ByteLinesTests
{
    private static List<string> Lines(byte[] input, int chunk = int.MaxValue)
    {
        var lines = new List<string>();
        ByteLines.Read(new ChunkedStream(input, chunk), line => lines.Add(Encoding.Latin1.GetString(line)));
        return lines;
    }

    [Fact]
    public void Splits_on_newline_only_and_keeps_carriage_returns() =>
        Assert.Equal(["a\r", "", "b"], Lines("a\r\n\nb"u8.ToArray()));

    [Fact]
    public void A_final_newline_adds_no_empty_line() => Assert.Equal(["a", "b"], Lines("a\nb\n"u8.ToArray()));

    [Fact]
    public void Lines_longer_than_the_buffer_and_split_reads_arrive_whole()
    {
        string longLine = new('x', 200_000);
        byte[] input = Encoding.ASCII.GetBytes($"{longLine}\nshort\n{longLine}y");
        foreach (int chunk in new[] { 1, 7, 4096, 65536, int.MaxValue })
        {
            Assert.Equal([longLine, "short", longLine + "y"], Lines(input, chunk));
        }
    }

    // Hands out at most `chunk` bytes per Read, as pipes do.
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
    }
}
