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

    /// <summary>For each pair of projects (A &lt; B, input order) whose histories share <see cref="MinimumCommits"/> commits or more, those commits.</summary>
    public static IReadOnlyDictionary<(int A, int B), List<CommitPrint>> Find(IReadOnlyList<IReadOnlyList<CommitPrint>> projects)
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
                        list.Add(p); // a commit twice in one history (the same change rebased in the same second) is one
                    }
                }
            }
        }

        var copied = new Dictionary<(int A, int B), List<CommitPrint>>();
        if (holders.Count == 0)
        {
            return copied;
        }

        foreach (var commit in projects.SelectMany(p => p))
        {
            if (!holders.TryGetValue(commit.Print, out var list) || list.Count < 2)
            {
                continue;
            }

            for (int x = 0; x < list.Count; x++)
            {
                for (int y = x + 1; y < list.Count; y++)
                {
                    (copied.TryGetValue((list[x], list[y]), out var commits) ? commits : copied[(list[x], list[y])] = []).Add(commit);
                }
            }

            list.Clear(); // each shared commit once, from the first history that holds it
        }

        foreach (var pair in copied.Where(c => c.Value.Count < MinimumCommits).Select(c => c.Key).ToList())
        {
            copied.Remove(pair);
        }

        return copied;
    }
}
