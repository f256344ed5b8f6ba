using System.Text.Json.Serialization;
using Kashika.Core.Relate;

namespace Kashika.Reports.Relate;

/// <summary>A project as the relate report describes it.</summary>
/// <param name="Source">Where its history came from (repository or ranking file), as the user named it.</param>
public sealed record ProjectSummary(
    string Name,
    string Source,
    long Commits,
    int Developers,
    long ExcludedBotCommits,
    long ExcludedMergeCommits,
    bool Shallow);

/// <summary>The shape of the relate report (schema "kashika.relate/2"), shared by the JSON output and the HTML page.</summary>
public sealed record RelateDocument(
    string Schema,
    string Generator,
    RelateSettings Options,
    IReadOnlyList<string> Projects,
    IReadOnlyList<ProjectSummary> ProjectDetails,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double[][]? Matrix,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long[][]? SumMin,
    IReadOnlyList<PairSummary> Pairs,
    IReadOnlyList<ExcludedAuthor> ExcludedBots,
    IReadOnlyList<string> Warnings,
    [property: JsonIgnore] Metric Metric,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PeriodSummary>? Periods = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IdentityJoin>? IdentityJoins = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CopiedPair>? CopiedHistory = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PersonSummary>? People = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MoveSummary>? Moves = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PlaceholderAuthor>? Placeholders = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SparseSummary? Sparse = null)
{
    /// <summary>2: <c>people</c> and <c>moves</c> with --by, and <c>copiedHistory</c> (docs/relate.md).</summary>
    public const string SchemaName = "kashika.relate/2";

    /// <summary>The document with the currents of a --by report: each person's activity and the moves between periods.</summary>
    public RelateDocument WithCurrents(CurrentsResult? currents) => currents is null ? this : this with
    {
        People = currents.People.Select(p => new PersonSummary(p.Id, p.Name, p.Activity.Select(a => new[] { a.Project, a.Period, a.Commits }).ToList())).ToList(),
        Moves = currents.Moves.Select(m => new MoveSummary(m.Period, m.From, m.To, m.People, m.Kind)).ToList(),
    };

    public static RelateDocument From(
        RelateResult result, IReadOnlyList<ProjectSource> sources, RelateSettings settings, IReadOnlyList<string> warnings, string generator,
        IReadOnlyList<PeriodResult>? periods = null)
    {
        var projects = result.Projects;
        var excluded = projects
            .SelectMany(p => p.ExcludedBots)
            .GroupBy(b => (b.Name, b.Email, b.Reason))
            .Select(g => new ExcludedAuthor(g.Key.Name, g.Key.Email, g.Sum(b => b.Commits), g.Key.Reason))
            .OrderByDescending(b => b.Commits).ThenBy(b => b.Name, StringComparer.Ordinal).ThenBy(b => b.Email, StringComparer.Ordinal)
            .ToList();
        return new RelateDocument(
            SchemaName,
            generator,
            settings,
            projects.Select(p => p.Name).ToList(),
            projects.Select((p, i) => new ProjectSummary(
                p.Name, sources[i].Source, p.Commits, p.Developers, p.ExcludedBotCommits, p.ExcludedMergeCommits, sources[i].Shallow)).ToList(),
            result.Matrix,
            result.SumMin,
            PairsOf(result),
            excluded,
            warnings,
            result.Metric,
            periods is null || periods.Count == 0 ? null : periods.Select(p => new PeriodSummary(
                p.Label, p.Result.Matrix, p.Result.SumMin, PairsOf(p.Result),
                p.Result.Projects.Select(a => a.Commits).ToList(), p.Result.Projects.Select(a => a.Developers).ToList(), ChordPairsOf(p.Result.Sparse))).ToList())
        {
            Placeholders = PlaceholdersOf(projects) is { Count: > 0 } placeholders ? placeholders : null,
            Sparse = result.Sparse is { } sparse
                ? new SparseSummary(
                    sparse.Selection.Top, sparse.Selection.Above, sparse.AllPairs, result.Pairs.Count, sparse.Neighbours, sparse.Communities,
                    sparse.Positions?.Select(p => new[] { Math.Round(p.X, 1), Math.Round(p.Y, 1) }).ToList(),
                    SparseRelatedness.ChordSize(sparse.Selection), ChordPairsOf(sparse)!)
                : null,
        };
    }

    // The authors behind placeholder addresses (docs/relate.md): counted in their project, never shared or joined.
    private static List<PlaceholderAuthor> PlaceholdersOf(IReadOnlyList<ProjectAuthors> projects) =>
        projects.SelectMany(p => p.CommitsByPerson.Where(c => Core.Relate.Placeholders.IsPlaceholderKey(c.Key))
                .Select(c => new PlaceholderAuthor(p.DisplayNames.GetValueOrDefault(c.Key) ?? c.Key, Core.Relate.Placeholders.AddressOf(c.Key), p.Name, c.Value)))
            .OrderByDescending(a => a.Commits).ThenBy(a => a.Project, StringComparer.Ordinal).ThenBy(a => a.Name, StringComparer.Ordinal)
            .ToList();

    private static List<long[]>? ChordPairsOf(SparseInfo? sparse) =>
        sparse?.ChordPairs.Select(p => new long[] { p.A, p.B, p.SumMin, p.Shared }).ToList();

    private static List<PairSummary> PairsOf(RelateResult result) =>
        result.Pairs.Select(p => new PairSummary(
            p.A, p.B, p.Value, p.SumMin, p.Shared.Select(s => new SharedSummary(s.Name, s.Key, s.CommitsA, s.CommitsB)).ToList())).ToList();
}

/// <summary>An author behind an address that identifies nobody: a developer of <see cref="Project"/> alone, never shared.</summary>
public sealed record PlaceholderAuthor(string Name, string Address, string Project, long Commits);

/// <summary>A person active in two or more projects: identity key, name, and [project, period, commits] for every
/// period and project they committed to.</summary>
public sealed record PersonSummary(string Id, string Name, IReadOnlyList<int[]> Activity);

/// <summary>People whose main project was <see cref="From"/> in period <see cref="Period"/> − 1 and <see cref="To"/> in
/// <see cref="Period"/> (−1: outside, no commit to these projects; From = To: staying).</summary>
/// <see cref="Kind"/>: stayed, moved, arrived, left, or "history ends"/"history starts" where a project's data ends or
/// begins (docs/relate.md).
public sealed record MoveSummary(int Period, int From, int To, IReadOnlyList<string> People, string Kind);

/// <summary>A pair of projects that share developers; <see cref="A"/> and <see cref="B"/> index <see cref="RelateDocument.Projects"/>.</summary>
public sealed record PairSummary(int A, int B, double Value, long SumMin, IReadOnlyList<SharedSummary> Shared);

/// <summary>Relatedness within one period (--by): the same shapes as the whole history's (no matrix when sparse), and each
/// project's figures; when sparse, the period's pairs among each chord diagram's projects that it did not keep.</summary>
public sealed record PeriodSummary(
    string Label,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double[][]? Matrix,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long[][]? SumMin,
    IReadOnlyList<PairSummary> Pairs,
    IReadOnlyList<long> Commits,
    IReadOnlyList<int> Developers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<long[]>? ChordPairs = null);

/// <summary>
/// A report of many projects keeps some pairs (docs/relate.md, "Ecosystems"): each project's <see cref="Top"/> strongest
/// and every pair above <see cref="Above"/>; <see cref="AllPairs"/> share developers, <see cref="KeptPairs"/> are in
/// <c>pairs</c> with their developers. Each project's kept neighbours (project indices, strongest first), its
/// community (0 the largest) of the kept graph, and where the network draws it ([x, y], ForceAtlas2). A chord diagram
/// draws <see cref="Chord"/> projects (a project and its first neighbours; a community's biggest): every pair among them
/// is kept or in <see cref="ChordPairs"/>, [a, b, Σ min commits, shared developers].
/// </summary>
public sealed record SparseSummary(
    int Top, double? Above, long AllPairs, int KeptPairs, IReadOnlyList<int[]> Neighbours, IReadOnlyList<int> Communities,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<double[]>? Positions,
    int Chord,
    IReadOnlyList<long[]> ChordPairs);

/// <summary>A shared developer: display name, identity key, and commits in project A and in project B.</summary>
public sealed record SharedSummary(string Name, string Id, int CommitsA, int CommitsB);
