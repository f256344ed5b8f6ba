using System.Runtime.InteropServices;

namespace Kashika.Core.Relate;

/// <summary>
/// Counts commits per raw author record exactly as git printed it (bytes, not text), before any identity or bot rule,
/// so those rules run once per distinct author record rather than once per commit.
/// </summary>
public sealed class AuthorTally
{
    // Latin-1 maps every byte to one char and back, so byte-identical records, valid UTF-8 or not, share a key.
    private readonly Dictionary<string, CommitCounts> counts = new(StringComparer.Ordinal);

    public long Commits { get; private set; }

    public IReadOnlyDictionary<string, CommitCounts> Records => counts;

    /// <summary>Adds one commit by the author record <paramref name="record"/> (bytes as Latin-1 chars, as
    /// <see cref="CommitLog.Authors"/> holds them).</summary>
    public void Add(string record, bool isMerge)
    {
        ref CommitCounts slot = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, record, out _);
        slot = isMerge ? slot with { Merges = slot.Merges + 1 } : slot with { NonMerges = slot.NonMerges + 1 };
        Commits++;
    }
}

/// <summary>Commits of one author record, merges apart.</summary>
public readonly record struct CommitCounts(int NonMerges, int Merges)
{
    public int Total => NonMerges + Merges;
}
