namespace Kashika.Core.Relate;

/// <summary>A project of an export: its place in the input (the matrix's order), where it was read, its counted commits
/// and developers, and what was left out.</summary>
public sealed record ProjectRow(string Project, int InputOrder, string Source, long Commits, int Developers, long ExcludedBotCommits, long ExcludedMergeCommits);

/// <summary>One developer's counted commits in one project, for the whole history (<see cref="Period"/> "") or one
/// period; the first and last author time (Unix seconds) of those commits, when known (null for --compat ossrel).</summary>
public sealed record ContributionRow(string Project, string Identity, string Name, string Period, long Commits, long? FirstCommit, long? LastCommit);

/// <summary>A developer's commits in project A's history found also in project B's (a fork, a split): each pair is
/// written both ways, each way counting the commits as its first project holds them (under that repository's mailmap,
/// and twice where it holds a commit twice).</summary>
public sealed record CopiedRow(string ProjectA, string ProjectB, string Identity, string Period, long Commits);

/// <summary>One of a project's strongest pairs (<see cref="SparseRelatedness"/>, whole history, relatedness): its rank
/// (1 the strongest), the other project, the pair's figures, and both projects' communities.</summary>
public sealed record NeighbourRow(string Project, int ProjectCommunity, int Rank, string Neighbour, int NeighbourCommunity, double Value, long SumMin, int Shared);

/// <summary>
/// What relate counts, as three tables any engine can relate again (docs/scale.md): the same numbers as the report,
/// after identity, bot, merge and person-join rules, with copied history apart. <see cref="Relate"/> turns tables
/// (one export, or several concatenated) back into the projects relatedness is computed from.
/// </summary>
public sealed record RelateTables(IReadOnlyList<ProjectRow> Projects, IReadOnlyList<ContributionRow> Contributions, IReadOnlyList<CopiedRow> Copies)
{
    /// <summary>Each project's strongest pairs and its community, for reading beside the counts (an export writes them;
    /// relating tables again does not read them: they follow from the counts).</summary>
    public IReadOnlyList<NeighbourRow> Neighbours { get; init; } = [];

    /// <param name="histories">The projects as read, in input order (their prints give first and last commit times).</param>
    /// <param name="sources">Where each project was read.</param>
    /// <param name="neighbours">Which pairs the neighbours table keeps.</param>
    public static RelateTables From(
        IReadOnlyList<ProjectHistory> histories, IReadOnlyList<string> sources, CountedProjects counted, IdentityRules rules, Period period, PairSelection neighbours)
    {
        var whole = counted.Whole;
        var personOf = counted.Joins.SelectMany(j => j.Keys.Select(k => (k, j.Person))).ToDictionary(x => x.k, x => x.Person, StringComparer.Ordinal);
        var projects = whole.Select((p, i) => new ProjectRow(p.Name, i, sources[i], p.Commits, p.Developers, p.ExcludedBotCommits, p.ExcludedMergeCommits)).ToList();
        var contributions = new List<ContributionRow>();
        for (int i = 0; i < whole.Count; i++)
        {
            // First and last counted commit of each developer: over the whole history, and within each period.
            var times = new Dictionary<(string Person, string Period), (long First, long Last)>();
            foreach (var commit in histories[i].Prints)
            {
                if (commit.Time == 0 || (commit.Merge && !rules.CountMerges) || AuthorResolver.PersonOf(commit.Record, rules, whole[i].Name) is not { } key)
                {
                    continue;
                }

                string person = personOf.GetValueOrDefault(key) ?? key;
                foreach (string label in commit.Period == 0 || period == Period.None ? [""] : new[] { "", Periods.Label(commit.Period, period) })
                {
                    times[(person, label)] = times.TryGetValue((person, label), out var t)
                        ? (Math.Min(t.First, commit.Time), Math.Max(t.Last, commit.Time))
                        : (commit.Time, commit.Time);
                }
            }

            void Add(ProjectAuthors authors, string label)
            {
                foreach (var (person, commits) in authors.CommitsByPerson.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    bool known = times.TryGetValue((person, label), out var t);
                    contributions.Add(new ContributionRow(
                        whole[i].Name, person, authors.DisplayNames.GetValueOrDefault(person, person), label, commits, known ? t.First : null, known ? t.Last : null));
                }
            }

            Add(whole[i], "");
            for (int t = 0; t < counted.Labels.Count; t++)
            {
                Add(counted.InPeriods[t][i], counted.Labels[t]);
            }
        }

        var copies = counted.CopiedCommits
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .SelectMany(c => c.Value.OrderBy(p => p.Key.A).ThenBy(p => p.Key.B).SelectMany(pair =>
                Rows(whole[pair.Key.A].Name, whole[pair.Key.B].Name, pair.Value.InA, c.Key).Concat(Rows(whole[pair.Key.B].Name, whole[pair.Key.A].Name, pair.Value.InB, c.Key))))
            .ToList();
        return new RelateTables(projects, contributions, copies) { Neighbours = NeighboursOf(counted, neighbours) };
    }

    // One side of a pair's copied commits: each developer's in project a found also in project b.
    private static IEnumerable<CopiedRow> Rows(string a, string b, IReadOnlyDictionary<string, int> developers, string period) =>
        developers.Where(d => d.Value > 0).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => new CopiedRow(a, b, d.Key, period, d.Value));

    // Each project's kept pairs, strongest first, by relatedness over the whole history, with the communities.
    private static List<NeighbourRow> NeighboursOf(CountedProjects counted, PairSelection selection)
    {
        var whole = counted.Whole;
        var result = SparseRelatedness.Compute(whole, Metric.Ossrel, selection, counted.CopiedCommits.GetValueOrDefault(""), chords: []);
        var sparse = result.Sparse!;
        var pairs = result.Pairs.ToDictionary(p => (p.A, p.B));
        var rows = new List<NeighbourRow>();
        for (int a = 0; a < whole.Count; a++)
        {
            int rank = 0;
            foreach (int b in sparse.Neighbours[a])
            {
                var pair = pairs[(Math.Min(a, b), Math.Max(a, b))];
                rows.Add(new NeighbourRow(whole[a].Name, sparse.Communities[a], ++rank, whole[b].Name, sparse.Communities[b], pair.Value, pair.SumMin, pair.Shared.Count));
            }
        }

        return rows;
    }

    /// <summary>The relatedness of the tables' projects (ordered by input order, then name), whole history and every
    /// period (empty periods between the first and the last included, as a run on the repositories has them), as
    /// <see cref="RelatePipeline"/> computes it from repositories. Person joins are in the tables already.</summary>
    /// <param name="problem">Says what in the tables cannot be related (a project twice, a contribution to no project).</param>
    /// <param name="sparse">Keep only these pairs (<see cref="SparseRelatedness"/>); null: every pair.</param>
    public RelateOutcome Relate(Metric metric, Action<string> problem, PairSelection? sparse = null)
    {
        var ordered = Projects.OrderBy(p => p.InputOrder).ThenBy(p => p.Project, StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var project in ordered)
        {
            if (!index.TryAdd(project.Project, index.Count))
            {
                problem($"project '{project.Project}' is in the tables twice (each export names its projects once; name them apart with NAME=PATH)");
            }
        }

        var labels = Contributions.Select(c => c.Period).Where(p => p.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        string? first = null;
        foreach (string label in labels.Concat(Copies.Select(c => c.Period).Where(p => p.Length > 0).Distinct()))
        {
            first ??= label;
            if (!Periods.IsLabel(label) || !Periods.IsLabel(first) || Periods.KindOf(label) != Periods.KindOf(first))
            {
                problem($"period '{label}' is not a year, quarter or month as an export writes them (2019, 2019-Q3, 2019-07), or not of the same kind as '{first}'");
                labels = [];
                break;
            }
        }

        if (labels.Count > 0)
        {
            labels = [.. Periods.Between(labels[0], labels[^1], Periods.KindOf(labels[0]))];
        }

        var byPeriod = new Dictionary<string, (Dictionary<string, int> Commits, Dictionary<string, string> Names)[]>(StringComparer.Ordinal);
        foreach (string label in labels.Prepend(""))
        {
            byPeriod[label] = [.. ordered.Select(_ => (new Dictionary<string, int>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal)))];
        }

        foreach (var row in Contributions)
        {
            if (!index.TryGetValue(row.Project, out int p) || !byPeriod.TryGetValue(row.Period, out var slices))
            {
                problem($"a contribution of '{row.Identity}' to project '{row.Project}' in period '{row.Period}', which is in no projects table or no period");
                continue;
            }

            var (commits, names) = slices[p];
            if (row.Commits > int.MaxValue || !commits.TryAdd(row.Identity, (int)row.Commits))
            {
                problem(row.Commits > int.MaxValue
                    ? $"{row.Commits:N0} commits of '{row.Identity}' to project '{row.Project}' in period '{row.Period}': more than one developer can have made"
                    : $"the contribution of '{row.Identity}' to project '{row.Project}' in period '{row.Period}' is in the tables twice");
                continue;
            }

            names[row.Identity] = row.Name;
        }

        var copied = new Dictionary<string, Dictionary<(int A, int B), PairCopies>>(StringComparer.Ordinal);
        foreach (var row in Copies)
        {
            // Each pair is written both ways, each way the commits in its first project.
            if (index.TryGetValue(row.ProjectA, out int a) && index.TryGetValue(row.ProjectB, out int b) && a != b)
            {
                var pairs = copied.TryGetValue(row.Period, out var x) ? x : copied[row.Period] = [];
                var pair = pairs.TryGetValue((Math.Min(a, b), Math.Max(a, b)), out var known) ? known
                    : pairs[(Math.Min(a, b), Math.Max(a, b))] = new PairCopies(new Dictionary<string, int>(StringComparer.Ordinal), new Dictionary<string, int>(StringComparer.Ordinal));
                var developers = (Dictionary<string, int>)(a < b ? pair.InA : pair.InB);
                if (row.Commits > int.MaxValue || !developers.TryAdd(row.Identity, (int)row.Commits))
                {
                    problem($"the copied commits of '{row.Identity}' in '{row.ProjectA}' and '{row.ProjectB}' in period '{row.Period}' are in the tables twice, or more than can be");
                }
            }
        }

        List<ProjectAuthors> Projected(string label) => [.. ordered.Select((project, i) => new ProjectAuthors(
            project.Project, byPeriod[label][i].Commits, byPeriod[label][i].Names,
            label.Length == 0 ? project.ExcludedBotCommits : 0, label.Length == 0 ? project.ExcludedMergeCommits : 0, []))];
        return new CountedProjects(Projected(""), labels, [.. labels.Select(Projected)], [],
            copied.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<(int A, int B), PairCopies>)c.Value, StringComparer.Ordinal))
            .Relate(metric, sparse);
    }
}

/// <summary>Tables as one export writes them, with the export's id (a hash of its rows).</summary>
public sealed record RelateExport(RelateTables Tables, string Id);
