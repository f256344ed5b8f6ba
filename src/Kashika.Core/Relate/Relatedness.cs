namespace Kashika.Core.Relate;

/// <summary>A developer found in both projects of a pair, with their commits on each side.</summary>
public sealed record SharedDeveloper(string Key, string Name, int CommitsA, int CommitsB);

/// <summary>Two projects that share at least one developer (<see cref="A"/> &lt; <see cref="B"/>, input order).</summary>
public sealed record ProjectPair(int A, int B, long SumMin, double Value, IReadOnlyList<SharedDeveloper> Shared);

/// <summary>Relatedness of every pair of projects.</summary>
/// <param name="Matrix">Metric values, symmetric, 0 on the diagonal (a project is not drawn as related to itself); null
/// in a sparse result (<see cref="Sparse"/>), which has no matrix of projects².</param>
/// <param name="SumMin">Σ min(commits in A, commits in B), symmetric, 0 on the diagonal; null when sparse.</param>
/// <param name="Pairs">Every pair that shares a developer; when sparse, the pairs kept.</param>
public sealed record RelateResult(
    IReadOnlyList<ProjectAuthors> Projects,
    Metric Metric,
    double[][]? Matrix,
    long[][]? SumMin,
    IReadOnlyList<ProjectPair> Pairs)
{
    /// <summary>When only some pairs were kept (<see cref="SparseRelatedness"/>): which, and of how many.</summary>
    public SparseInfo? Sparse { get; init; }
}

/// <summary>Relatedness within one period ("2019", "2019-Q3", "2019-07").</summary>
public sealed record PeriodResult(string Label, RelateResult Result);

public static class Relatedness
{
    /// <param name="copied">For a pair (A &lt; B), each developer's commits found in both histories, counted in each
    /// (<see cref="PairCopies"/>): taken off each side, so a developer is shared only through work done in each project apart.</param>
    public static RelateResult Compute(
        IReadOnlyList<ProjectAuthors> projects, Metric metric, IReadOnlyDictionary<(int A, int B), PairCopies>? copied = null)
    {
        int n = projects.Count;
        // An inverted index visits only the developers who are in two or more projects, instead of every pair of projects
        // times every developer: most people contribute to one project.
        var membership = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int p = 0; p < n; p++)
        {
            foreach (string person in projects[p].CommitsByPerson.Keys)
            {
                (membership.TryGetValue(person, out var list) ? list : membership[person] = []).Add(p);
            }
        }

        var shared = new Dictionary<(int A, int B), List<SharedDeveloper>>();
        foreach (var (person, members) in membership)
        {
            if (members.Count < 2)
            {
                continue;
            }

            string name = DisplayName(projects, person);
            for (int x = 0; x < members.Count; x++)
            {
                for (int y = x + 1; y < members.Count; y++)
                {
                    int a = members[x], b = members[y];
                    var (copiesA, copiesB) = copied is not null && copied.TryGetValue((a, b), out var copies) ? copies.Of(person, a, b) : (0, 0);
                    int inA = projects[a].CommitsByPerson[person] - copiesA, inB = projects[b].CommitsByPerson[person] - copiesB;
                    if (inA <= 0 || inB <= 0)
                    {
                        continue;
                    }

                    var developer = new SharedDeveloper(person, name, inA, inB);
                    (shared.TryGetValue((a, b), out var list) ? list : shared[(a, b)] = []).Add(developer);
                }
            }
        }

        var matrix = Enumerable.Range(0, n).Select(_ => new double[n]).ToArray();
        var sumMin = Enumerable.Range(0, n).Select(_ => new long[n]).ToArray();
        var pairs = new List<ProjectPair>(shared.Count);
        foreach (var ((a, b), developers) in shared.OrderBy(s => s.Key.A).ThenBy(s => s.Key.B))
        {
            developers.Sort(Heaviest);
            long sum = developers.Sum(d => (long)Math.Min(d.CommitsA, d.CommitsB));
            int union = projects[a].Developers + projects[b].Developers - developers.Count;
            double value = metric.Compute(sum, developers.Count, union);
            matrix[a][b] = matrix[b][a] = value;
            sumMin[a][b] = sumMin[b][a] = sum;
            pairs.Add(new ProjectPair(a, b, sum, value, developers));
        }

        return new RelateResult(projects, metric, matrix, sumMin, pairs);
    }

    /// <summary>A pair's shared developers in the order reports list them: the most shared commits (Σ min) first, then by key.</summary>
    internal static int Heaviest(SharedDeveloper x, SharedDeveloper y)
    {
        int byWeight = Math.Min(y.CommitsA, y.CommitsB).CompareTo(Math.Min(x.CommitsA, x.CommitsB));
        return byWeight != 0 ? byWeight : string.CompareOrdinal(x.Key, y.Key);
    }

    /// <summary>The name a person goes by where they commit most (the first such project in input order), so one person
    /// shows one name across the report.</summary>
    internal static string DisplayName(IReadOnlyList<ProjectAuthors> projects, string person)
    {
        ProjectAuthors? best = null;
        foreach (var project in projects)
        {
            if (project.CommitsByPerson.TryGetValue(person, out int commits) && (best is null || commits > best.CommitsByPerson[person]))
            {
                best = project;
            }
        }

        return best?.DisplayNames.GetValueOrDefault(person, person) ?? person;
    }
}
