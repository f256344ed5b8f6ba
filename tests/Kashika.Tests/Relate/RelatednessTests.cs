using Kashika.Core.Relate;

namespace Kashika.Tests.Relate;

public sealed class RelatednessTests
{
    private static ProjectAuthors Project(string name, params (string Person, int Commits)[] people) =>
        new(name, people.ToDictionary(p => p.Person, p => p.Commits), people.ToDictionary(p => p.Person, p => p.Person.ToUpperInvariant()), 0, 0, []);

    private static readonly ProjectAuthors[] Three =
    [
        Project("a", ("ann", 10), ("bob", 3), ("cid", 1)),
        Project("b", ("ann", 4), ("bob", 7), ("dan", 5)),
        Project("c", ("eve", 2)),
    ];

    [Fact]
    public void Ossrel_is_the_square_root_of_the_summed_minimums()
    {
        var result = Relatedness.Compute(Three, Metric.Ossrel);
        Assert.Equal(7, result.SumMin![0][1]); // min(10,4) + min(3,7)
        Assert.Equal(Math.Sqrt(7), result.Matrix![0][1]);
        Assert.Equal(result.Matrix![0][1], result.Matrix![1][0]);
        Assert.Equal(0, result.Matrix![0][2]);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(0, result.Matrix![i][i]));
    }

    [Fact]
    public void Other_metrics()
    {
        Assert.Equal(7, Relatedness.Compute(Three, Metric.SumMin).Matrix![0][1]);
        Assert.Equal(2, Relatedness.Compute(Three, Metric.Shared).Matrix![0][1]);
        Assert.Equal(2.0 / 4, Relatedness.Compute(Three, Metric.Jaccard).Matrix![0][1]); // {ann,bob} of {ann,bob,cid,dan}
    }

    [Fact]
    public void Pairs_list_the_shared_people_heaviest_first_with_both_sides()
    {
        var pair = Assert.Single(Relatedness.Compute(Three, Metric.Ossrel).Pairs);
        Assert.Equal((0, 1), (pair.A, pair.B));
        Assert.Equal(["ann", "bob"], pair.Shared.Select(s => s.Key));
        Assert.Equal(new SharedDeveloper("ann", "ANN", 10, 4), pair.Shared[0]);
    }

    [Fact]
    public void Floor_of_the_squared_value_is_wrong_where_the_integer_sum_is_right()
    {
        // The original tooltip printed floor(v*v); for some sums sqrt(n)^2 < n in floating point.
        long wrong = Enumerable.Range(1, 1000).Count(n => Math.Floor(Math.Sqrt(n) * Math.Sqrt(n)) != n);
        Assert.True(wrong > 0);
        var result = Relatedness.Compute([Project("a", ("x", 3)), Project("b", ("x", 3))], Metric.Ossrel);
        Assert.Equal(3, result.SumMin![0][1]);
    }

    [Fact]
    public void Commits_in_both_histories_are_not_work_shared_between_them()
    {
        var a = new ProjectAuthors("a", new Dictionary<string, int> { ["ann"] = 25, ["bob"] = 1 }, new Dictionary<string, string>(), 0, 0, []);
        var b = new ProjectAuthors("b", new Dictionary<string, int> { ["ann"] = 27, ["bob"] = 3 }, new Dictionary<string, string>(), 0, 0, []);
        var copied = new Dictionary<(int A, int B), IReadOnlyDictionary<string, int>> { [(0, 1)] = new Dictionary<string, int> { ["ann"] = 25 } };
        var result = Relatedness.Compute([a, b], Metric.SumMin, Both(copied));
        var shared = Assert.Single(Assert.Single(result.Pairs).Shared);
        Assert.Equal(("bob", 1, 3), (shared.Key, shared.CommitsA, shared.CommitsB));
        Assert.Equal(2, Relatedness.Compute([a, b], Metric.Shared).Pairs[0].Shared.Count);

        // Each side's own count: b holds the 25 copied commits twice (imported twice), so ann has no work of her own there.
        var twice = new Dictionary<(int A, int B), PairCopies> { [(0, 1)] = new PairCopies(new Dictionary<string, int> { ["ann"] = 20 }, new Dictionary<string, int> { ["ann"] = 27 }) };
        Assert.Equal(["bob"], Relatedness.Compute([a, b], Metric.SumMin, twice).Pairs[0].Shared.Select(d => d.Key));
        var once = new Dictionary<(int A, int B), PairCopies> { [(0, 1)] = new PairCopies(new Dictionary<string, int> { ["ann"] = 20 }, new Dictionary<string, int> { ["ann"] = 20 }) };
        Assert.Equal(("ann", 5, 7), Relatedness.Compute([a, b], Metric.SumMin, once).Pairs[0].Shared.Select(d => (d.Key, d.CommitsA, d.CommitsB)).First());
    }

    private static Dictionary<(int A, int B), PairCopies> Both(Dictionary<(int A, int B), IReadOnlyDictionary<string, int>> copied) =>
        copied.ToDictionary(c => c.Key, c => new PairCopies(c.Value, c.Value));

    [Fact]
    public void Copied_commits_are_counted_as_each_history_holds_them()
    {
        // The same 25 commits of one address: a's mailmap names it ann, b's has no mailmap (old@); b imported them twice.
        static CommitPrint Commit(ulong print, string record) => new(print, record, false, 0);
        var a = Enumerable.Range(1, 25).Select(i => Commit((ulong)i, "ann")).Append(Commit(500, "ann")).ToList();
        var b = Enumerable.Range(1, 25).SelectMany(i => new[] { Commit((ulong)i, "old"), Commit((ulong)i, "old") }).Append(Commit(600, "ann")).ToList();
        var shared = CopiedHistory.Find([a, b])[(0, 1)];
        Assert.Equal(25, shared.InA.Count);
        Assert.All(shared.InA, c => Assert.Equal("ann", c.Record));
        Assert.Equal(50, shared.InB.Count);
        Assert.All(shared.InB, c => Assert.Equal("old", c.Record));
    }

    [Fact]
    public void A_history_copied_into_another_is_found_and_a_few_coincidences_are_not()
    {
        static List<CommitPrint> Prints(params ulong[] prints) => prints.Select(p => new CommitPrint(p, "ann", false, 0)).ToList();
        var origin = Prints([.. Enumerable.Range(1, 30).Select(i => (ulong)i)]);
        var fork = Prints([.. Enumerable.Range(1, 30).Select(i => (ulong)i), 100, 101, 101]);
        var other = Prints([1, 2, 3, 200]);
        var copied = CopiedHistory.Find([origin, fork, other]);
        Assert.Equal([(0, 1)], copied.Keys);
        Assert.Equal(30, copied[(0, 1)].InA.Count);
        Assert.Equal(30, copied[(0, 1)].InB.Count);
        Assert.Equal(1, CommitPrint.Of("ann"u8, 1, 2) == CommitPrint.Of("ann"u8, 1, 2) ? 1 : 0);
        Assert.NotEqual(CommitPrint.Of("ann"u8, 1, 2), CommitPrint.Of("ann"u8, 2, 1));
    }
}
