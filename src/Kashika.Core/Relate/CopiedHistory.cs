namespace Kashika.Core.Relate;

/// <summary>
/// One commit as the relate reader saw it: a fingerprint of its author's address as committed, author time and committer
/// time (what a fork keeps, and what a split made with git filter-branch keeps while it rewrites the commit's hash; the
/// address before any mailmap, since each repository's mailmap may map it differently), the author record
/// (as <see cref="AuthorTally"/> keys it), whether it is a merge, and its period key (<see cref="Periods.Key"/>; 0 with
/// no periods or no plausible date), and its author time when plausible (0 otherwise).
/// </summary>
public readonly record struct CommitPrint(ulong Print, string Record, bool Merge, int Period, long Time = 0)
{
    /// <summary>FNV-1a over the address's bytes and both times: stable from run to run, and 64 bits make a chance
    /// collision among millions of commits negligible.</summary>
    public static ulong Of(ReadOnlySpan<byte> address, long authorTime, long committerTime)
    {
        unchecked
        {
            ulong h = 14695981039346656037UL;
            foreach (byte b in address)
            {
                h = (h ^ b) * 1099511628211UL;
            }

            foreach (long t in (ReadOnlySpan<long>)[authorTime, committerTime])
            {
                for (int i = 0; i < 8; i++)
                {
                    h = (h ^ (byte)(t >> (8 * i))) * 1099511628211UL;
                }
            }

            return h;
        }
    }
}

/// <summary>
/// Commits found in two projects' histories: one history copied into the other (a fork, or a project split out of
/// another with its history). They stay in each project's own figures, but they are one piece of work, not a developer
/// working on both: <see cref="Relatedness"/> takes them out of what a pair shares.
/// </summary>
public static class CopiedHistory
{
    /// <summary>
    /// Commits two histories must hold in common to be one history copied into the other. A copy brings thousands (a
    /// fork) or dozens (a driver split out with its history); below this it is a person's scripted change landing in
    /// several repositories in one second, which is work on each of them.
    /// </summary>
    public const int MinimumCommits = 20;

    /// <summary>For each pair of projects (A &lt; B, input order) whose histories share <see cref="MinimumCommits"/> commits
    /// or more, those commits as each history holds them.</summary>
    public static IReadOnlyDictionary<(int A, int B), SharedCommits> Find(IReadOnlyList<IReadOnlyList<CommitPrint>> projects)
    {
        // Sized for every commit at once: growing a dictionary of half a million entries step by step rehashes it ~20 times.
        var first = new Dictionary<ulong, int>(projects.Sum(p => p.Count));
        var holders = new Dictionary<ulong, List<int>>();
        for (int p = 0; p < projects.Count; p++)
        {
            foreach (var commit in projects[p])
            {
                if (!first.TryAdd(commit.Print, p))
                {
                    var list = holders.TryGetValue(commit.Print, out var known) ? known : holders[commit.Print] = [first[commit.Print]];
                    if (list[^1] != p)
                    {
                        list.Add(p);
                    }
                }
            }
        }

        // Pairs sharing enough distinct commits to be one history copied into the other.
        var distinct = new Dictionary<(int A, int B), int>();
        foreach (var list in holders.Values)
        {
            for (int x = 0; x < list.Count; x++)
            {
                for (int y = x + 1; y < list.Count; y++)
                {
                    distinct[(list[x], list[y])] = distinct.GetValueOrDefault((list[x], list[y])) + 1;
                }
            }
        }

        var copied = distinct.Where(d => d.Value >= MinimumCommits).ToDictionary(d => d.Key, _ => new SharedCommits([], []));
        if (copied.Count == 0)
        {
            return copied;
        }

        // Each side under its own author records (each repository's mailmap may name the same address differently), and
        // every time it holds the commit: a history imported twice holds it twice, and neither is work of its own.
        for (int p = 0; p < projects.Count; p++)
        {
            foreach (var commit in projects[p])
            {
                if (!holders.TryGetValue(commit.Print, out var list))
                {
                    continue;
                }

                foreach (int q in list)
                {
                    if (q != p && copied.TryGetValue((Math.Min(p, q), Math.Max(p, q)), out var shared))
                    {
                        (p < q ? shared.InA : shared.InB).Add(commit);
                    }
                }
            }
        }

        return copied;
    }
}

/// <summary>The commits two histories (A &lt; B) hold in common, as each holds them: under its own author records, and
/// as many times as it holds each.</summary>
public sealed record SharedCommits(List<CommitPrint> InA, List<CommitPrint> InB);

/// <summary>Each developer's commits of one pair's histories (A &lt; B) found in both (<see cref="CopiedHistory"/>), counted
/// in each: taken off each side, so a developer is shared only through work done in each project apart.</summary>
public sealed record PairCopies(IReadOnlyDictionary<string, int> InA, IReadOnlyDictionary<string, int> InB)
{
    /// <summary>A developer's copied commits in project <paramref name="a"/> and in project <paramref name="b"/>, in
    /// either order.</summary>
    public (int InFirst, int InSecond) Of(string person, int a, int b) =>
        a < b ? (InA.GetValueOrDefault(person), InB.GetValueOrDefault(person)) : (InB.GetValueOrDefault(person), InA.GetValueOrDefault(person));
}
