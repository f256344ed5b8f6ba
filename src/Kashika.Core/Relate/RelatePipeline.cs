namespace Kashika.Core.Relate;

/// <summary>A project as read: its authors after the identity rules, its raw tallies per period (with --by), its commits' prints.</summary>
public sealed record ProjectHistory(ProjectAuthors Authors, IReadOnlyDictionary<string, AuthorTally> Periods, IReadOnlyList<CommitPrint> Prints);

/// <summary>Two projects whose histories hold the same commits, and how many of them are counted (bots' and, unless
/// counted, merges left out).</summary>
public sealed record CopiedPair(int A, int B, long Commits);

/// <summary>What <c>kashika relate</c> found: the whole history, each period, the people joined, the histories copied.</summary>
/// <param name="Currents">Who was where in each period and who moved where (with periods only).</param>
public sealed record RelateOutcome(
    RelateResult Result, IReadOnlyList<PeriodResult> Periods, IReadOnlyList<IdentityJoin> Joins, IReadOnlyList<CopiedPair> Copies, CurrentsResult? Currents);

/// <summary>What relate counts before it relates: each project's developers after identity rules and person joins, for
/// the whole history and each period, and the commits each pair's histories share (taken off what the pair shares).</summary>
/// <param name="CopiedCommits">Per pair (A &lt; B) and developer, commits found in both histories, counted in each: the
/// whole history under the period "", each period under its label.</param>
public sealed record CountedProjects(
    IReadOnlyList<ProjectAuthors> Whole,
    IReadOnlyList<string> Labels,
    IReadOnlyList<IReadOnlyList<ProjectAuthors>> InPeriods,
    IReadOnlyList<IdentityJoin> Joins,
    IReadOnlyDictionary<string, IReadOnlyDictionary<(int A, int B), PairCopies>> CopiedCommits)
{
    /// <summary>Each pair's commits in both histories (whole history), the pairs that have any: the smaller side's count,
    /// as a history that holds a copied commit twice (imported twice) still holds one commit of the other's.</summary>
    public IReadOnlyList<CopiedPair> Copies { get; } = (CopiedCommits.GetValueOrDefault("") ?? new Dictionary<(int A, int B), PairCopies>())
        .Select(c => new CopiedPair(c.Key.A, c.Key.B, Math.Min(c.Value.InA.Values.Sum(v => (long)v), c.Value.InB.Values.Sum(v => (long)v))))
        .Where(c => c.Commits > 0).OrderBy(c => c.A).ThenBy(c => c.B).ToList();

    /// <summary>Relatedness of the whole history and of every period, and the currents between periods.</summary>
    /// <param name="sparse">Keep only these pairs (<see cref="SparseRelatedness"/>), for many projects; null: every pair and
    /// the matrix.</param>
    public RelateOutcome Relate(Metric metric, PairSelection? sparse = null)
    {
        RelateResult Compute(IReadOnlyList<ProjectAuthors> projects, string label, IReadOnlyList<int[]>? chords = null) => sparse is null
            ? Relatedness.Compute(projects, metric, CopiedCommits.GetValueOrDefault(label))
            : SparseRelatedness.Compute(projects, metric, sparse, CopiedCommits.GetValueOrDefault(label), chords);
        var result = Compute(Whole, "");
        // A period's chord diagrams draw the whole history's projects.
        var chords = result.Sparse is { } kept ? SparseRelatedness.ChordGroups(kept, Whole).ToList() : null;
        var periods = Labels.Select((label, t) => new PeriodResult(label, Compute(InPeriods[t], label, chords))).ToList();
        if (result.Sparse is { } laid)
        {
            // The network is drawn as laid out here: the page opens on it, with no layout to wait for.
            result = result with { Sparse = laid with { Positions = ForceLayout.ForceAtlas2(Whole.Count, [.. result.Pairs.Select(p => (p.A, p.B, p.Value))]) } };
        }

        var currents = periods.Count == 0 ? null : Currents.Build(Whole, InPeriods, Labels);
        if (currents is not null && Copies.Count > 0)
        {
            // Which of two histories holds the copy cannot be told from the commits: currents count each as it holds it.
            string pairs = string.Join(", ", Copies.Select(c => $"{Whole[c.A].Name} and {Whole[c.B].Name}"));
            currents = currents with
            {
                Warnings = [.. currents.Warnings, $"people and moves count history copied between projects ({pairs}) in each, as each history holds it: "
                    + "a project split out or forked shows the other's developers as its own before the split"],
            };
        }

        return new RelateOutcome(result, periods, Joins, Copies, currents);
    }
}

/// <summary>From projects as read to relatedness: one person's addresses joined, copied history taken out of what pairs
/// share, the whole history and each period related alike.</summary>
public static class RelatePipeline
{
    public static RelateOutcome Run(IReadOnlyList<ProjectHistory> projects, IdentityRules rules, Metric metric, Period period) =>
        Count(projects, rules, period).Relate(metric);

    /// <summary>Everything relate counts, without relating (what <c>relate export</c> writes).</summary>
    public static CountedProjects Count(IReadOnlyList<ProjectHistory> projects, IdentityRules rules, Period period)
    {
        // Identities joined and copied commits found at once: neither needs the other, and each takes a good part of a
        // run whose histories come from the cache.
        var copiesFound = Task.Run(() => CopiedHistory.Find(projects.Select(p => p.Prints).ToList()));
        var joins = rules.Mode == IdentityMode.Person ? PersonJoins.Find(projects.Select(p => p.Authors).ToList(), rules.NotSame) : [];
        var apply = PersonJoins.Applier(joins);
        ProjectAuthors Joined(ProjectAuthors authors) => joins.Count == 0 ? authors : apply(authors);

        // Copied commits, counted by the same rules as every commit: per pair, per developer; for each period apart.
        var copies = copiesFound.GetAwaiter().GetResult();
        IReadOnlyDictionary<string, int> People(IEnumerable<CommitPrint> commits) => Joined(AuthorResolver.Resolve("", Tally(commits), rules)).CommitsByPerson;
        IReadOnlyDictionary<(int A, int B), PairCopies> CopiedBy(IEnumerable<((int A, int B) Pair, IEnumerable<CommitPrint> InA, IEnumerable<CommitPrint> InB)> pairs) =>
            pairs.ToDictionary(c => c.Pair, c => new PairCopies(People(c.InA), People(c.InB)));
        var copiedWhole = CopiedBy(copies.Select(c => (c.Key, (IEnumerable<CommitPrint>)c.Value.InA, (IEnumerable<CommitPrint>)c.Value.InB)));

        var whole = projects.Select(p => Joined(p.Authors)).ToList();
        // With --by, each period (by author date), every project in every period.
        var labels = projects.SelectMany(p => p.Periods.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        labels = labels.Count == 0 ? labels : [.. Periods.Between(labels[0], labels[^1], period)];
        var inPeriods = labels.Select(label => (IReadOnlyList<ProjectAuthors>)projects
            .Select(p => Joined(AuthorResolver.Resolve(p.Authors.Name, p.Periods.GetValueOrDefault(label) ?? new AuthorTally(), rules))).ToList()).ToList();
        // Periods with no counted commit at either end (only bots' or merges') are not history worth a place in the chooser.
        int first = inPeriods.FindIndex(ps => ps.Any(p => p.Commits > 0));
        int last = inPeriods.FindLastIndex(ps => ps.Any(p => p.Commits > 0));
        (labels, inPeriods) = first < 0 ? ([], []) : (labels[first..(last + 1)], inPeriods[first..(last + 1)]);
        // Each pair's copied commits by period, grouped once (not filtered again for every period).
        var copiedByPeriod = copies
            .SelectMany(c => c.Value.InA.Select(x => (c.Key, InA: true, Commit: x)).Concat(c.Value.InB.Select(x => (c.Key, InA: false, Commit: x))))
            .Where(x => x.Commit.Period != 0)
            .GroupBy(x => Periods.Label(x.Commit.Period, period), StringComparer.Ordinal)
            .Where(g => labels.Contains(g.Key))
            .ToDictionary(
                g => g.Key,
                g => CopiedBy(g.GroupBy(x => x.Key).Select(p => (p.Key, p.Where(x => x.InA).Select(x => x.Commit), p.Where(x => !x.InA).Select(x => x.Commit)))),
                StringComparer.Ordinal);
        copiedByPeriod[""] = copiedWhole;
        return new CountedProjects(whole, labels, inPeriods, joins, copiedByPeriod);
    }

    private static AuthorTally Tally(IEnumerable<CommitPrint> commits)
    {
        var tally = new AuthorTally();
        foreach (var commit in commits)
        {
            tally.Add(commit.Record, commit.Merge);
        }

        return tally;
    }
}
