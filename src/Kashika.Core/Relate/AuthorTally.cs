using System.Runtime.InteropServices;
using System.Text;

namespace Kashika.Core.Relate;

/// <summary>
/// Counts commits per raw author record exactly as git printed it (bytes, not text), before any identity or bot rule,
/// so those rules run once per distinct author record rather than once per commit.
/// </summary>
public sealed class AuthorTally
{
    // Latin-1 maps every byte to one char and back, so byte-identical records, valid UTF-8 or not, share a key.
    private readonly Dictionary<string, CommitCounts> counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CommitCounts>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public AuthorTally() => lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();

    public long Commits { get; private set; }

    public IReadOnlyDictionary<string, CommitCounts> Records => counts;

    /// <summary>Adds one commit by the author record <paramref name="record"/> (the fields the adapter asked git for);
    /// returns the record as its key (one string per distinct record).</summary>
    public string Add(ReadOnlySpan<byte> record, bool isMerge)
    {
        const int StackLimit = 512;
        char[]? rented = null;
        Span<char> chars = record.Length <= StackLimit
            ? stackalloc char[StackLimit]
            : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(record.Length));
        int length = Encoding.Latin1.GetChars(record, chars);
        ref CommitCounts slot = ref CollectionsMarshal.GetValueRefOrAddDefault(lookup, chars[..length], out _);
        if (isMerge)
        {
            slot = slot with { Merges = slot.Merges + 1 };
        }
        else
        {
            slot = slot with { NonMerges = slot.NonMerges + 1 };
        }

        Commits++;
        lookup.TryGetValue(chars[..length], out string? key, out _);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }

        return key!;
    }

    /// <summary>Adds one commit by a record already in key form (as <see cref="Add(ReadOnlySpan{byte}, bool)"/> returns).</summary>
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
