using System.Runtime.InteropServices;

namespace Kashika.Core.Relate;

/// <summary>One commit as relate needs it: its author (an index into <see cref="CommitLog.Authors"/>), author time
/// (<see cref="Dated"/> false when git shows none or one out of range), whether it is a merge, and its fingerprint
/// (<see cref="CommitPrint.Of"/>, over the address as committed).</summary>
public readonly record struct LoggedCommit(int Author, long AuthorTime, bool Dated, bool Merge, ulong Print);

/// <summary>
/// A repository's commits as read, before any mailmap: each distinct author record ("name\0e-mail" as Latin-1 bytes,
/// or the name alone for ossrel) once, and one <see cref="LoggedCommit"/> per commit. Both readers and the cache hold
/// this; <see cref="Tally"/> turns it into the figures relate counts.
/// </summary>
public sealed class CommitLog
{
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public CommitLog() => lookup = index.GetAlternateLookup<ReadOnlySpan<char>>();

    public List<string> Authors { get; } = [];

    public List<LoggedCommit> Commits { get; } = [];

    /// <summary>The index of an author record, added when new.</summary>
    public int Author(ReadOnlySpan<char> record)
    {
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(lookup, record, out bool exists);
        if (!exists)
        {
            slot = Authors.Count;
            Authors.Add(record.ToString());
        }

        return slot;
    }

    /// <summary>The index of an author record given as bytes.</summary>
    public int Author(ReadOnlySpan<byte> record)
    {
        const int StackLimit = 512;
        char[]? rented = null;
        Span<char> chars = record.Length <= StackLimit ? stackalloc char[StackLimit] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(record.Length));
        int length = System.Text.Encoding.Latin1.GetChars(record, chars);
        int author = Author(chars[..length]);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }

        return author;
    }

    /// <summary>Adds one commit from a <c>git log</c> record: <c>%an</c> alone for <paramref name="compat"/>, else
    /// author, NUL, "%at %ct %ae", NUL, parents (the format relate's git reader asks for). Any
    /// bytes are read: a field that is missing or unreadable leaves the commit undated, unmerged or without an address.</summary>
    public void AddRecord(ReadOnlySpan<byte> line, bool compat)
    {
        if (compat)
        {
            Commits.Add(new LoggedCommit(Author(line), 0, false, false, 0));
            return;
        }

        int last = line.LastIndexOf(AuthorResolver.FieldSeparator);
        bool isMerge = last >= 0 && line[(last + 1)..].Contains((byte)' ');
        var rest = last < 0 ? line : line[..last];
        int timeField = rest.LastIndexOf(AuthorResolver.FieldSeparator);
        var times = timeField < 0 ? default : rest[(timeField + 1)..];
        var record = timeField < 0 ? rest : rest[..timeField];
        int space = times.IndexOf((byte)' ');
        var afterAuthorTime = space < 0 ? default : times[(space + 1)..];
        int secondSpace = afterAuthorTime.IndexOf((byte)' ');
        var rawAddress = secondSpace < 0 ? default : afterAuthorTime[(secondSpace + 1)..];
        System.Buffers.Text.Utf8Parser.TryParse(times, out long authorTime, out int authorDigits);
        System.Buffers.Text.Utf8Parser.TryParse(afterAuthorTime, out long committerTime, out _);
        bool dated = authorDigits > 0 && authorDigits == space && IsDated(authorTime);
        Commits.Add(new LoggedCommit(Author(record), authorTime, dated, isMerge, CommitPrint.Of(rawAddress, authorTime, committerTime)));
    }

    /// <summary>An author time as git prints %at: a plausible date (1980 on, before year 10000) or none.</summary>
    public static bool IsDated(long authorTime) => authorTime is >= Periods.FirstPlausible and <= 253402300799;

    /// <summary>The figures relate counts. <paramref name="compat"/> keys by name alone (ossrel); a
    /// <paramref name="mailmap"/> maps each author record first, as git's %aN/%aE do.</summary>
    public History Tally(Mailmap? mailmap, bool compat, Period period)
    {
        var records = new string[Authors.Count];
        for (int a = 0; a < records.Length; a++)
        {
            string record = Authors[a];
            int separator = record.IndexOf('\0', StringComparison.Ordinal);
            if (compat)
            {
                records[a] = separator < 0 ? record : record[..separator];
            }
            else if (mailmap is not null && separator >= 0)
            {
                var (name, email) = mailmap.Map(record[..separator], record[(separator + 1)..]);
                records[a] = $"{name}\0{email}";
            }
            else
            {
                records[a] = record;
            }
        }

        var tally = new AuthorTally();
        var byPeriod = new Dictionary<int, AuthorTally>();
        var prints = compat ? [] : new List<CommitPrint>(Commits.Count);
        long undated = 0;
        foreach (var commit in Commits)
        {
            string record = records[commit.Author];
            if (compat)
            {
                tally.Add(record, isMerge: false);
                continue;
            }

            int key = 0;
            if (period != Period.None)
            {
                if (commit.Dated)
                {
                    key = Periods.Key(commit.AuthorTime, period);
                    (byPeriod.TryGetValue(key, out var slice) ? slice : byPeriod[key] = new AuthorTally()).Add(record, commit.Merge);
                }
                else
                {
                    undated++;
                }
            }

            tally.Add(record, commit.Merge);
            prints.Add(new CommitPrint(commit.Print, record, commit.Merge, key, commit.Dated ? commit.AuthorTime : 0));
        }

        return new History(tally, byPeriod.ToDictionary(p => Periods.Label(p.Key, period), p => p.Value, StringComparer.Ordinal), undated, prints);
    }
}

/// <summary>What relate counts of one repository's history.</summary>
/// <param name="ByPeriod">The tally of each period, when periods were asked for.</param>
/// <param name="Undated">Commits whose author date is before 1980 (a clock not set: 1970-01-01) or unreadable: counted in
/// the whole history, left out of every period.</param>
/// <param name="Prints">Every commit's fingerprint, to find history copied between projects (none with --compat).</param>
public sealed record History(AuthorTally Authors, IReadOnlyDictionary<string, AuthorTally> ByPeriod, long Undated, IReadOnlyList<CommitPrint> Prints);
