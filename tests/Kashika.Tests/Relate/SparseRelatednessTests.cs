using Kashika.Core.Relate;

namespace Kashika.Tests.Relate;

/// <summary>
/// The sparse report of many projects against the full computation: the pairs it keeps are exactly each project's
/// strongest of the full matrix (and those above the threshold), each with the same figures and developers; the count
/// of all pairs is the full one.
/// </summary>
public sealed class SparseRelatednessTests
{
    // An ecosystem in miniature: each project's own people, and a few who are everywhere (a Zipf-like law), seeded.
    private static List<ProjectAuthors> Ecosystem(int projects, int seed)
    {
        var random = new Random(seed);
        var list = new List<ProjectAuthors>();
        for (int p = 0; p < projects; p++)
        {
            var commits = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < 8; i++)
            {
                commits[$"own{p}-{i}"] = 1 + random.Next(40);
            }

            for (int i = random.Next(3, 12); i > 0; i--)
            {
                int person = (int)Math.Min(400, Math.Floor(1 / Math.Pow(random.NextDouble() + 1e-9, 1.2)));
                commits[$"wide{person}"] = 1 + random.Next(60);
            }

            // Neighbours by number share a few people: communities of a kind.
            commits[$"band{p / 10}"] = 1 + random.Next(30);
            list.Add(new ProjectAuthors($"p{p}", commits, commits.Keys.ToDictionary(k => k, k => $"Name {k}", StringComparer.Ordinal), 0, 0, []));
        }

        return list;
    }

    public static TheoryData<Metric, int> Cases() => new()
    {
        { Metric.Ossrel, 1 }, { Metric.Ossrel, 5 }, { Metric.SumMin, 3 }, { Metric.Jaccard, 5 }, { Metric.Shared, 4 }, { Metric.Ossrel, 1000 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_kept_pairs_are_each_projects_strongest_of_the_full_matrix(Metric metric, int top)
    {
        var projects = Ecosystem(90, seed: top);
        var full = Relatedness.Compute(projects, metric);
        var sparse = SparseRelatedness.Compute(projects, metric, new PairSelection(top));

        var expected = new SortedSet<(int, int)>();
        var neighbours = new List<int[]>();
        for (int a = 0; a < projects.Count; a++)
        {
            var row = full.Pairs.Where(p => p.A == a || p.B == a).Select(p => (Other: p.A == a ? p.B : p.A, p.Value))
                .OrderByDescending(x => x.Value).ThenBy(x => x.Other).Take(top).ToList();
            neighbours.Add([.. row.Select(x => x.Other)]);
            foreach (var (other, _) in row)
            {
                expected.Add((Math.Min(a, other), Math.Max(a, other)));
            }
        }

        Assert.Equal(expected, sparse.Pairs.Select(p => (p.A, p.B)));
        Assert.Equal(neighbours, sparse.Sparse!.Neighbours);
        Assert.Equal(full.Pairs.Count, sparse.Sparse.AllPairs);
        Assert.Null(sparse.Matrix);
        var byPair = full.Pairs.ToDictionary(p => (p.A, p.B));
        foreach (var pair in sparse.Pairs)
        {
            var same = byPair[(pair.A, pair.B)];
            Assert.Equal(same.SumMin, pair.SumMin);
            Assert.Equal(same.Value, pair.Value);
            Assert.Equal(same.Shared, pair.Shared);
        }

        if (top >= projects.Count)
        {
            Assert.Equal(full.Pairs.Count, sparse.Pairs.Count); // every pair kept: the full list
        }
    }

    [Fact]
    public void Pairs_above_the_threshold_are_kept_too_and_copied_commits_are_taken_off_alike()
    {
        var projects = Ecosystem(70, seed: 9);
        // Projects 3 and 4 share a history: the commits of one shared person found in both are not shared work.
        string person = projects[3].CommitsByPerson.Keys.Intersect(projects[4].CommitsByPerson.Keys).FirstOrDefault() ?? "band0";
        var copied = new Dictionary<(int A, int B), PairCopies> { [(3, 4)] = new PairCopies(new Dictionary<string, int> { [person] = 1 }, new Dictionary<string, int> { [person] = 2 }) };
        var full = Relatedness.Compute(projects, Metric.Ossrel, copied);
        double above = full.Pairs.Select(p => p.Value).Order().ElementAt(full.Pairs.Count * 9 / 10);
        var sparse = SparseRelatedness.Compute(projects, Metric.Ossrel, new PairSelection(1, above), copied);

        var kept = sparse.Pairs.ToDictionary(p => (p.A, p.B));
        Assert.All(full.Pairs.Where(p => p.Value > above), p => Assert.True(kept.ContainsKey((p.A, p.B)), $"{p.A}-{p.B} ({p.Value}) is above {above}"));
        var byPair = full.Pairs.ToDictionary(p => (p.A, p.B));
        Assert.All(sparse.Pairs, p => Assert.Equal(byPair[(p.A, p.B)].Shared, p.Shared));
        Assert.Equal(full.Pairs.Count, sparse.Sparse!.AllPairs);
    }

    [Fact]
    public void Every_pair_among_a_chord_diagrams_projects_is_kept_or_counted_as_the_full_computation_counts_it()
    {
        var projects = Ecosystem(80, seed: 12);
        string person = projects[3].CommitsByPerson.Keys.Intersect(projects[4].CommitsByPerson.Keys).FirstOrDefault() ?? "band0";
        var copied = new Dictionary<(int A, int B), PairCopies> { [(3, 4)] = new PairCopies(new Dictionary<string, int> { [person] = 1 }, new Dictionary<string, int> { [person] = 2 }) };
        var full = Relatedness.Compute(projects, Metric.Jaccard, copied).Pairs.ToDictionary(p => (p.A, p.B));
        var sparse = SparseRelatedness.Compute(projects, Metric.Jaccard, new PairSelection(4), copied);
        var groups = SparseRelatedness.ChordGroups(sparse.Sparse!, projects).ToList();
        var among = sparse.Sparse!.ChordPairs;

        // Groups: each project with its 4 strongest, then each community's 5 biggest.
        Assert.Equal(projects.Count + sparse.Sparse!.Communities.Distinct().Count(), groups.Count);
        Assert.All(groups, g => Assert.InRange(g.Length, 1, 5));
        Assert.Equal([7, .. sparse.Sparse.Neighbours[7].Take(4)], groups[7]);
        var expected = new SortedSet<(int, int)>();
        foreach (var g in groups)
        {
            foreach (int x in g)
            {
                foreach (int y in g.Where(y => x < y && full.ContainsKey((x, y))))
                {
                    expected.Add((x, y));
                }
            }
        }

        var kept = sparse.Pairs.Select(p => (p.A, p.B)).ToHashSet();
        Assert.DoesNotContain(among, p => kept.Contains((p.A, p.B)));
        Assert.Equal(expected.Where(p => !kept.Contains(p)), among.Select(p => (p.A, p.B)));
        Assert.All(among, p =>
        {
            Assert.Equal(full[(p.A, p.B)].SumMin, p.SumMin);
            Assert.Equal(full[(p.A, p.B)].Shared.Count, p.Shared);
        });
        Assert.NotEmpty(among); // the test sees pairs that were not kept
    }

    [Fact]
    public void Communities_are_the_kept_graphs_groups_the_same_every_run()
    {
        var projects = Ecosystem(60, seed: 4);
        var first = SparseRelatedness.Compute(projects, Metric.Ossrel, new PairSelection(5)).Sparse!.Communities;
        var again = SparseRelatedness.Compute(projects, Metric.Ossrel, new PairSelection(5)).Sparse!.Communities;
        Assert.Equal(first, again);
        Assert.Equal(projects.Count, first.Count);
        Assert.Equal(0, first.Min());
    }
}

public sealed class CommunitiesTests
{
    [Fact]
    public void Two_cliques_joined_by_one_weak_edge_are_two_communities_and_a_lone_node_is_its_own()
    {
        var edges = new List<(int, int, double)>();
        foreach (var group in new[] { new[] { 0, 1, 2, 3, 4 }, new[] { 5, 6, 7, 8 } })
        {
            foreach (int a in group)
            {
                foreach (int b in group.Where(b => b > a))
                {
                    edges.Add((a, b, 3));
                }
            }
        }

        edges.Add((4, 5, 0.5));
        var communities = Communities.Louvain(10, edges);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 2], communities); // numbered by size; node 9 has no edge
    }

    [Fact]
    public void No_projects_or_one_have_no_or_one_community_and_a_layout()
    {
        Assert.Empty(Communities.Louvain(0, []));
        Assert.Equal([0], Communities.Louvain(1, []));
        Assert.Empty(ForceLayout.ForceAtlas2(0, []));
        Assert.Single(ForceLayout.ForceAtlas2(1, []));
        var one = SparseRelatedness.Compute([new ProjectAuthors("solo", new Dictionary<string, int> { ["ann"] = 3 }, new Dictionary<string, string>(), 0, 0, [])], Metric.Ossrel, new PairSelection(3));
        Assert.Empty(one.Pairs);
        Assert.Equal([0], one.Sparse!.Communities);
        Assert.Empty(SparseRelatedness.Compute([], Metric.Ossrel, new PairSelection(3)).Pairs);
    }

    [Fact]
    public void A_ring_of_cliques_is_found_whatever_the_seed_and_one_seed_gives_one_answer()
    {
        // Eight cliques of five, each joined to the next by one edge: the textbook case modularity resolves.
        var edges = new List<(int, int, double)>();
        for (int c = 0; c < 8; c++)
        {
            for (int a = 0; a < 5; a++)
            {
                for (int b = a + 1; b < 5; b++)
                {
                    edges.Add(((c * 5) + a, (c * 5) + b, 1));
                }
            }

            edges.Add(((c * 5) + 4, (((c + 1) % 8) * 5) + 0, 1));
        }

        foreach (int seed in new[] { 1, 2, 28 })
        {
            var communities = Communities.Louvain(40, edges, seed);
            for (int c = 0; c < 8; c++)
            {
                Assert.Single(communities.Skip(c * 5).Take(5).Distinct());
            }

            Assert.Equal(8, communities.Distinct().Count());
            Assert.Equal(communities, Communities.Louvain(40, edges, seed));
        }
    }
}

public sealed class ForceLayoutTests
{
    [Fact]
    public void Related_projects_end_closer_than_unrelated_ones_and_the_layout_is_the_same_every_run()
    {
        // Two groups of ten, densely related inside, one weak link between; two projects related to nothing.
        var edges = new List<(int, int, double)>();
        foreach (int start in new[] { 0, 10 })
        {
            for (int a = start; a < start + 10; a++)
            {
                for (int b = a + 1; b < start + 10; b++)
                {
                    edges.Add((a, b, 1 + ((a * b) % 3)));
                }
            }
        }

        edges.Add((9, 10, 0.2));
        var positions = ForceLayout.ForceAtlas2(22, edges);
        Assert.Equal(positions, ForceLayout.ForceAtlas2(22, edges));
        Assert.All(positions, p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y)));

        double Distance(int a, int b) => Math.Sqrt(Math.Pow(positions[a].X - positions[b].X, 2) + Math.Pow(positions[a].Y - positions[b].Y, 2));
        double Mean(IEnumerable<(int A, int B)> pairs) => pairs.Average(p => Distance(p.A, p.B));
        var inside = Enumerable.Range(0, 10).SelectMany(a => Enumerable.Range(0, 10).Where(b => b > a).SelectMany(b => new[] { (a, b), (a + 10, b + 10) }));
        var across = Enumerable.Range(0, 10).SelectMany(a => Enumerable.Range(10, 10).Select(b => (a, b)));
        Assert.True(Mean(inside) * 2 < Mean(across), $"inside {Mean(inside):F1}, across {Mean(across):F1}");

        // No two nodes on one point, and the picture is centred.
        Assert.Equal(22, positions.Select(p => (Math.Round(p.X, 3), Math.Round(p.Y, 3))).Distinct().Count());
        Assert.InRange(positions.Average(p => p.X), -1e-6, 1e-6);
    }

    [Fact]
    public void Thousands_of_nodes_are_laid_out_in_bounded_steps()
    {
        // A ring of 3,000 nodes with chords: Barnes–Hut keeps a step n log n; every position finite.
        var edges = Enumerable.Range(0, 3000).SelectMany(i => new[] { (i, (i + 1) % 3000, 1.0), (i, (i + 37) % 3000, 0.5) }).ToList();
        var positions = ForceLayout.ForceAtlas2(3000, edges, iterations: 60);
        Assert.All(positions, p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y)));
        Assert.True(positions.Select(p => p.X).Max() - positions.Select(p => p.X).Min() > 1);
    }
}
