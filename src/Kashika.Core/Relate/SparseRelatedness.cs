namespace Kashika.Core.Relate;

/// <summary>Which pairs a report of many projects keeps: each project's <see cref="Top"/> strongest, and every pair
/// whose value is above <see cref="Above"/> (none when null).</summary>
public sealed record PairSelection(int Top = PairSelection.DefaultTop, double? Above = null)
{
    public const int DefaultTop = 20;
}

/// <summary>What a sparse report kept and left out: the rule, how many pairs share developers at all, each project's
/// kept pairs (the other projects, strongest first: its top and those above), and the communities of the kept graph
/// (<see cref="Communities.Louvain"/>, weighted by the metric).</summary>
public sealed record SparseInfo(PairSelection Selection, long AllPairs, IReadOnlyList<int[]> Neighbours, IReadOnlyList<int> Communities)
{
    /// <summary>Where each project is drawn in the network (<see cref="ForceLayout"/>), for the whole history only.</summary>
    public IReadOnlyList<(double X, double Y)>? Positions { get; init; }

    /// <summary>The pairs among the projects of a chord diagram (<see cref="SparseRelatedness.ChordGroups"/>) that were
    /// not kept, with what their values are computed from; with the kept pairs, every pair among those projects.</summary>
    public IReadOnlyList<ChordPair> ChordPairs { get; init; } = [];
}

/// <summary>A pair that shares developers, by its figures alone (no list of the developers).</summary>
public readonly record struct ChordPair(int A, int B, long SumMin, int Shared);

/// <summary>
/// Relatedness of many projects (an ecosystem: thousands) without a matrix of projects²: each project's row (its values
/// against every other project) is counted from the developers it shares, through an index of who is where, in memory
/// of one row; of each row the strongest pairs are kept, and only kept pairs get their list of shared developers.
/// Values, pairs and developers are exactly those of <see cref="Relatedness.Compute"/>; rows are counted on every core.
/// </summary>
public static class SparseRelatedness
{
    /// <param name="copied">As <see cref="Relatedness.Compute"/>: each pair's (A &lt; B) commits found in both histories.</param>
    /// <param name="chords">The projects of each chord diagram, whose pairs not kept are counted too (<see cref="SparseInfo.ChordPairs"/>):
    /// null for this result's own <see cref="ChordGroups"/> (a period takes the whole history's, so its diagrams draw the same projects).</param>
    public static RelateResult Compute(
        IReadOnlyList<ProjectAuthors> projects, Metric metric, PairSelection selection, IReadOnlyDictionary<(int A, int B), PairCopies>? copied = null,
        IReadOnlyList<int[]>? chords = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(selection.Top);
        int n = projects.Count;
        var index = new PeopleIndex(projects);
        var rows = new List<(int Other, long SumMin, int Shared, double Value)>[n];
        long allPairs = 0;
        Parallel.For(
            0,
            n,
            () => new Row(n),
            (a, _, row) =>
            {
                row.Count(index, a, copied);
                rows[a] = Kept(row, a, projects, metric, selection);
                Interlocked.Add(ref allPairs, row.Touched.Count(b => b > a));
                row.Clear();
                return row;
            },
            _ => { });

        // A pair is kept when either of its projects keeps it (each project's own top).
        var kept = new SortedDictionary<(int A, int B), (long SumMin, int Shared, double Value)>();
        for (int a = 0; a < n; a++)
        {
            foreach (var (b, sumMin, shared, value) in rows[a])
            {
                kept[(Math.Min(a, b), Math.Max(a, b))] = (sumMin, shared, value);
            }
        }

        var pairs = new List<ProjectPair>(kept.Count);
        foreach (var ((a, b), totals) in kept)
        {
            var developers = index.Shared(a, b, copied);
            pairs.Add(new ProjectPair(a, b, totals.SumMin, totals.Value, developers));
        }

        var neighbours = rows.Select(row => row.Select(r => r.Other).ToArray()).ToList();
        var communities = Communities.Louvain(n, pairs.Select(p => (p.A, p.B, p.Value)));
        var info = new SparseInfo(selection, allPairs, neighbours, communities);
        info = info with { ChordPairs = Among(index, chords ?? [.. ChordGroups(info, projects)], pairs, copied) };
        return new RelateResult(projects, metric, null, null, pairs) { Sparse = info };
    }

    /// <summary>How many projects a chord diagram of a sparse report draws: a project and its <see cref="PairSelection.Top"/>
    /// strongest neighbours, or a community's biggest as many.</summary>
    public static int ChordSize(PairSelection selection) => 1 + (selection.Top > 0 ? selection.Top : PairSelection.DefaultTop);

    /// <summary>The sets of projects the page draws as chord diagrams: each project with its first neighbours (strongest
    /// first), and each community's biggest projects (most developers, then input order), <see cref="ChordSize"/> at most.</summary>
    public static IEnumerable<int[]> ChordGroups(SparseInfo info, IReadOnlyList<ProjectAuthors> projects)
    {
        int size = ChordSize(info.Selection);
        for (int p = 0; p < info.Neighbours.Count; p++)
        {
            yield return [p, .. info.Neighbours[p].Take(size - 1)];
        }

        foreach (var community in Enumerable.Range(0, projects.Count).GroupBy(p => info.Communities[p]).OrderBy(g => g.Key))
        {
            yield return [.. community.OrderByDescending(p => projects[p].Developers).ThenBy(p => p).Take(size)];
        }
    }

    // Every pair within the groups that shares developers and is not kept, counted as the rows are (one row per project
    // that has such partners, on every core).
    private static List<ChordPair> Among(
        PeopleIndex index, IEnumerable<int[]> groups, IReadOnlyList<ProjectPair> kept, IReadOnlyDictionary<(int A, int B), PairCopies>? copied)
    {
        int n = index.People.Length;
        var keptPairs = kept.Select(p => (p.A, p.B)).ToHashSet();
        var partners = new HashSet<int>?[n];
        foreach (var group in groups)
        {
            foreach (int x in group)
            {
                foreach (int y in group)
                {
                    if (x < y && !keptPairs.Contains((x, y)))
                    {
                        (partners[x] ??= []).Add(y);
                    }
                }
            }
        }

        var found = new List<ChordPair>[n];
        Parallel.For(
            0,
            n,
            () => new Row(n),
            (a, _, row) =>
            {
                found[a] = [];
                if (partners[a] is { } others)
                {
                    row.Count(index, a, copied);
                    foreach (int b in others.Order())
                    {
                        if (row.Shared[b] > 0)
                        {
                            found[a].Add(new ChordPair(a, b, row.SumMin[b], row.Shared[b]));
                        }
                    }

                    row.Clear();
                }

                return row;
            },
            _ => { });
        return [.. found.SelectMany(f => f)];
    }

    // The pairs of one row a project keeps: its Top strongest (by value, then the other's input order) and those above.
    private static List<(int Other, long SumMin, int Shared, double Value)> Kept(Row row, int a, IReadOnlyList<ProjectAuthors> projects, Metric metric, PairSelection selection)
    {
        var all = new List<(int Other, long SumMin, int Shared, double Value)>(row.Touched.Count);
        foreach (int b in row.Touched)
        {
            int union = projects[a].Developers + projects[b].Developers - row.Shared[b];
            all.Add((b, row.SumMin[b], row.Shared[b], metric.Compute(row.SumMin[b], row.Shared[b], union)));
        }

        all.Sort(static (x, y) => x.Value != y.Value ? y.Value.CompareTo(x.Value) : x.Other.CompareTo(y.Other));
        int keep = Math.Min(selection.Top, all.Count);
        while (selection.Above is { } above && keep < all.Count && all[keep].Value > above)
        {
            keep++;
        }

        return all[..keep];
    }

    // The relatedness of one project (a) against all others, in arrays of the projects' count reused row after row.
    private sealed class Row(int n)
    {
        public long[] SumMin { get; } = new long[n];

        public int[] Shared { get; } = new int[n];

        public List<int> Touched { get; } = [];

        public void Count(PeopleIndex index, int a, IReadOnlyDictionary<(int A, int B), PairCopies>? copied)
        {
            foreach (var (person, commitsA) in index.People[a])
            {
                var places = index.Places[person];
                if (places.Count < 2)
                {
                    continue;
                }

                foreach (var (b, commitsB) in places)
                {
                    if (b == a)
                    {
                        continue;
                    }

                    var (copiesA, copiesB) = copied is { Count: > 0 } && copied.TryGetValue((Math.Min(a, b), Math.Max(a, b)), out var copies)
                        ? copies.Of(index.Keys[person], a, b) : (0, 0);
                    int inA = commitsA - copiesA, inB = commitsB - copiesB;
                    if (inA <= 0 || inB <= 0)
                    {
                        continue;
                    }

                    if (Shared[b] == 0)
                    {
                        Touched.Add(b);
                    }

                    Shared[b]++;
                    SumMin[b] += Math.Min(inA, inB);
                }
            }
        }

        public void Clear()
        {
            foreach (int b in Touched)
            {
                Shared[b] = 0;
                SumMin[b] = 0;
            }

            Touched.Clear();
        }
    }

    // Who is where: people numbered, each project's people and each person's projects, with their commits.
    private sealed class PeopleIndex
    {
        private readonly IReadOnlyList<ProjectAuthors> projects;

        public PeopleIndex(IReadOnlyList<ProjectAuthors> projects)
        {
            this.projects = projects;
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            People = new (int Person, int Commits)[projects.Count][];
            for (int p = 0; p < projects.Count; p++)
            {
                var list = new List<(int, int)>(projects[p].CommitsByPerson.Count);
                foreach (var (key, commits) in projects[p].CommitsByPerson)
                {
                    if (!ids.TryGetValue(key, out int id))
                    {
                        ids[key] = id = Keys.Count;
                        Keys.Add(key);
                        Places.Add([]);
                    }

                    list.Add((id, commits));
                    Places[id].Add((p, commits));
                }

                People[p] = [.. list];
            }
        }

        public List<string> Keys { get; } = [];

        public (int Person, int Commits)[][] People { get; }

        public List<List<(int Project, int Commits)>> Places { get; } = [];

        // A kept pair's shared developers, in the order and under the names Relatedness.Compute gives them.
        public List<SharedDeveloper> Shared(int a, int b, IReadOnlyDictionary<(int A, int B), PairCopies>? copied)
        {
            var developers = new List<SharedDeveloper>();
            var inB = projects[b].CommitsByPerson;
            var copies = copied?.GetValueOrDefault((a, b));
            foreach (var (person, commitsA) in People[a])
            {
                string key = Keys[person];
                if (!inB.TryGetValue(key, out int commitsB))
                {
                    continue;
                }

                var (copiesA, copiesB) = copies?.Of(key, a, b) ?? (0, 0);
                if (commitsA - copiesA > 0 && commitsB - copiesB > 0)
                {
                    developers.Add(new SharedDeveloper(key, Name(person), commitsA - copiesA, commitsB - copiesB));
                }
            }

            developers.Sort(Relatedness.Heaviest);
            return developers;
        }

        // As Relatedness.DisplayName: the name in the project where they commit most (the first such in input order).
        private string Name(int person)
        {
            int best = -1, most = 0;
            foreach (var (project, commits) in Places[person])
            {
                if (best < 0 || commits > most)
                {
                    (best, most) = (project, commits);
                }
            }

            string key = Keys[person];
            return projects[best].DisplayNames.GetValueOrDefault(key, key);
        }
    }
}
