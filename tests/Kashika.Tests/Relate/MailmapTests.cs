using System.Text;
using Kashika.Core.Relate;
using Kashika.Testing;

namespace Kashika.Tests.Relate;

/// <summary>The mailmap against git's own reading of it (<c>git check-mailmap</c>), line forms and case folding included.</summary>
public sealed class MailmapTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private const string Text = """
        # a comment, then every form git reads
        Ann Lee <ann@example.org>
        <bob@example.org> <bob@old.example>
        Cid Proper <cid@example.org> Cid Wrong <CID@Example.ORG>
        Dee New <dee@new.example> <dee@old.example>
        Eve One <eve@example.org> eve <EVE@example.org>
           Spaced   Name   <spaced@example.org>   trailing words
        <empty@example.org> Nobody <>
        Later Wins <ann@example.org>
        Only Name <multi@example.org> Old Name <multi@example.org>
        <only-email@example.org> Some Name <multi@example.org>
        no brackets at all
        Broken <unclosed@example.org
        """;

    public static TheoryData<string, string> Identities => new()
    {
        { "ann", "ANN@example.org" }, { "Bob", "bob@old.example" }, { "Cid Wrong", "cid@example.org" }, { "cid wrong", "cid@EXAMPLE.org" },
        { "Cid Other", "cid@example.org" }, { "Dee", "dee@old.example" }, { "EVE", "eve@example.org" }, { "Eve", "Eve@example.org" },
        { "x", "spaced@example.org" }, { "Nobody", "" }, { "Old Name", "multi@example.org" }, { "Some Name", "multi@example.org" },
        { "Third", "multi@example.org" }, { "Stranger", "stranger@example.org" }, { "Broken", "unclosed@example.org" },
    };

    [Theory]
    [MemberData(nameof(Identities))]
    public void Maps_as_git_check_mailmap_does(string name, string email)
    {
        var repo = dir.Repo("r").File(".mailmap", Text);
        string expected = repo.Git("check-mailmap", $"{name} <{email}>").TrimEnd('\n');
        var mailmap = new Mailmap();
        mailmap.AddFile(Encoding.UTF8.GetBytes(Text));
        var (mappedName, mappedEmail) = mailmap.Map(name, email);
        Assert.Equal(expected, mappedName.Length == 0 ? $"<{mappedEmail}>" : $"{mappedName} <{mappedEmail}>");
    }

    [Fact]
    public void A_file_line_is_read_in_1024_byte_pieces_a_blob_line_whole()
    {
        // git check-mailmap on such a .mailmap file leaves "A <old@example.org>" as it is (tried with git 2.39).
        string line = "Long Name <long@example.org>" + new string(' ', 1100) + "<old@example.org>\n";
        var file = new Mailmap();
        file.AddFile(Encoding.ASCII.GetBytes(line));
        var blob = new Mailmap();
        blob.AddBlob(Encoding.ASCII.GetBytes(line));
        Assert.Equal(("Long Name", "long@example.org"), blob.Map("A", "old@example.org"));
        Assert.Equal(("A", "old@example.org"), file.Map("A", "old@example.org"));
        Assert.Equal(("Long Name", "long@example.org"), file.Map("B", "long@example.org"));
    }

    [Fact]
    public void A_line_of_twenty_megabytes_is_read_in_pieces_as_git_reads_it_in_linear_time()
    {
        // fgets reads 1,023 bytes at a time: the long line is many pieces, and the entry after it still counts. (Finding
        // each piece's newline in the whole rest made a 50 MB line take a minute.)
        var text = System.Text.Encoding.ASCII.GetBytes(new string('x', 20_000_000) + "\nAnn <ann@new.org> <ann@old.org>\n");
        var mailmap = new Mailmap();
        mailmap.AddFile(text);
        Assert.Equal(("Ann", "ann@new.org"), mailmap.Map("someone", "ann@old.org"));
    }
}
