using System.Text;
using Kashika.Core.Common;
using Kashika.Core.Relate;

namespace Kashika.Tests.Relate;

public sealed class OssrelRankingTests
{
    private static Dictionary<string, int> Parse(byte[] bytes) => OssrelRanking.Parse(new MemoryStream(bytes), "ranking/x");

    private static Dictionary<string, int> Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Reads_uniq_c_lines()
    {
        var ranking = Parse("      3 Alice Smith\n     12 Bob\n");
        Assert.Equal(3, ranking["Alice Smith"]);
        Assert.Equal(12, ranking["Bob"]);
        Assert.Equal(2, ranking.Count);
    }

    [Fact]
    public void Collapses_whitespace_inside_names_as_python_split_did()
    {
        var ranking = Parse("  2  Alice \t Smith  \r\n");
        Assert.Equal(2, ranking["Alice Smith"]);
    }

    [Fact]
    public void A_later_line_of_the_same_name_replaces_the_earlier_one()
    {
        // matrix.py stored dir[name] = count: the last line wins, counts are not added.
        var ranking = Parse("  5 Alice  Smith\n  2 Alice Smith\n");
        Assert.Equal(2, ranking["Alice Smith"]);
    }

    [Fact]
    public void Keeps_latin1_and_utf8_spellings_apart_byte_for_byte()
    {
        byte[] latin1 = [.. "  4 Ren"u8, 0xE9, .. "\n"u8];
        byte[] utf8 = Encoding.UTF8.GetBytes("  7 René\n");
        var ranking = Parse([.. latin1, .. utf8]);
        Assert.Equal(2, ranking.Count);
        Assert.Equal(4, ranking["Ren\u00E9"]); // one char per byte: the Latin-1 byte E9
        Assert.Equal(7, ranking["Ren\u00C3\u00A9"]); // the two UTF-8 bytes C3 A9
        Assert.Equal("René", ByteText.Display("Ren\u00C3\u00A9"));
        Assert.Equal("René", ByteText.Display("Ren\u00E9"));
    }

    [Fact]
    public void An_empty_author_is_a_name_too()
    {
        Assert.Equal(9, Parse("      9 \n")[""]);
    }

    [Fact]
    public void A_file_without_final_newline_reads_its_last_line()
    {
        Assert.Equal(2, Parse("  1 A\n  2 B")["B"]);
    }

    [Theory]
    [InlineData("  1 A\n\n  2 B\n", 2, "empty line")]
    [InlineData("  1 A\nthree B\n", 2, "'three' is not a commit count")]
    [InlineData("  -4 A\n", 1, "not a commit count")]
    public void Bad_lines_are_named_with_file_and_line(string text, int line, string what)
    {
        var error = Assert.Throws<InputException>(() => Parse(text));
        Assert.StartsWith($"ranking/x:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }
}
