using Kashika.Core.Relate;

namespace Kashika.Tests.Relate;

public sealed class CommitLogCodecTests
{
    private static CommitLog Sample()
    {
        var log = new CommitLog();
        int ann = log.Author("Ann\0ann@example.org".AsSpan());
        int jose = log.Author("Jos\u00c3\u00a9\0jose@example.org".AsSpan());
        log.Commits.Add(new LoggedCommit(ann, 1600000000, true, false, 0x0123456789abcdefUL));
        log.Commits.Add(new LoggedCommit(jose, 0, false, true, ulong.MaxValue));
        log.Commits.Add(new LoggedCommit(ann, -5, false, false, 7));
        return log;
    }

    [Fact]
    public void Round_trips_authors_and_commits()
    {
        var decoded = CommitLogCodec.Decode(CommitLogCodec.Encode(Sample()));
        Assert.Equal(Sample().Authors, decoded.Authors);
        Assert.Equal(Sample().Commits, decoded.Commits);
    }

    [Fact]
    public void Every_cut_and_most_flipped_bytes_are_errors_never_a_smaller_log()
    {
        byte[] bytes = CommitLogCodec.Encode(Sample());
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => CommitLogCodec.Decode(bytes.AsSpan(0, length)));
        }

        Assert.Throws<InvalidDataException>(() => CommitLogCodec.Decode([.. bytes, 0]));
        var random = new Random(3);
        for (int i = 0; i < 2000; i++)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            try
            {
                var log = CommitLogCodec.Decode(flipped);
                Assert.Equal(3, log.Commits.Count); // a flip inside a time or fingerprint still decodes: whole, never fewer
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
