namespace Kashika.Core.Relate;

/// <summary>A person active in two or more of the projects: their commits per project per period.</summary>
/// <param name="Activity">(project, period, commits) for every period and project they committed to, in that order.</param>
public sealed record PersonActivity(string Id, string Name, IReadOnlyList<(int Project, int Period, int Commits)> Activity);

/// <summary>
/// People going from one state to another between period <see cref="Period"/> − 1 and <see cref="Period"/>: a state is
/// the person's main project in the period (the one with most of their commits), or <see cref="Outside"/> (no commit to
/// any of the projects in it). <see cref="From"/> = <see cref="To"/> is staying.
/// </summary>
/// <param name="Kind">"stayed", "moved", "arrived" (from outside), "left" (to outside), or what the data says instead of
/// a move: "history ends" (<see cref="From"/> has no commit in this period or later: its history, or its clone, ends
/// before it) and "history starts" (<see cref="To"/>'s first commit is in this period).</param>
public sealed record Move(int Period, int From, int To, IReadOnlyList<string> People, string Kind = "moved")
{
    public const int Outside = -1;
}

/// <summary>The currents of the projects' developers: who was where in each period, and who moved where; and what the
/// reader of moves should know (histories ending in different periods).</summary>
public sealed record CurrentsResult(IReadOnlyList<PersonActivity> People, IReadOnlyList<Move> Moves, IReadOnlyList<string> Warnings);

/// <summary>
/// Developers moving between projects (docs/relate.md): for every person who committed to two or more of the projects
/// over the whole history, their main project in each period (most commits; a tie keeps the previous main project if it
/// is among the tied, else the first in input order), and the moves between consecutive periods, staying included.
/// Everything is computable from <see cref="PersonActivity"/>, which the JSON carries.
/// </summary>
public static class Currents
{
    /// <param name="whole">The projects over the whole history (identities joined as in the report).</param>
    /// <param name="periods">The projects in each period, in order (the same projects, same identities).</param>
    /// <param name="labels">The periods' labels, for the warnings.</param>
    public static CurrentsResult Build(IReadOnlyList<ProjectAuthors> whole, IReadOnlyList<IReadOnlyList<ProjectAuthors>> periods, IReadOnlyList<string>? labels = null)
    {
        // Each project's first and last period with a commit: outside them it has no history to move from or to.
        var firstPeriod = new int[whole.Count];
        var lastPeriod = new int[whole.Count];
        Array.Fill(firstPeriod, int.MaxValue);
        Array.Fill(lastPeriod, -1);
        for (int t = 0; t < periods.Count; t++)
        {
            for (int p = 0; p < periods[t].Count; p++)
            {
                if (periods[t][p].Commits > 0)
                {
                    firstPeriod[p] = Math.Min(firstPeriod[p], t);
                    lastPeriod[p] = t;
                }
            }
        }

        var projectsOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var project in whole)
        {
            foreach (string person in project.CommitsByPerson.Keys)
            {
                projectsOf[person] = projectsOf.GetValueOrDefault(person) + 1;
            }
        }

        // Each person's (project, period, commits), gathered in one pass over what each period holds, period by period.
        var activity = projectsOf.Where(p => p.Value >= 2).ToDictionary(p => p.Key, _ => new List<(int Project, int Period, int Commits)>(), StringComparer.Ordinal);
        for (int t = 0; t < periods.Count; t++)
        {
            for (int p = 0; p < periods[t].Count; p++)
            {
                foreach (var (person, commits) in periods[t][p].CommitsByPerson)
                {
                    if (commits > 0 && activity.TryGetValue(person, out var list))
                    {
                        list.Add((p, t, commits));
                    }
                }
            }
        }

        var activities = new List<PersonActivity>(activity.Count);
        var moves = new SortedDictionary<(int Period, int From, int To), List<string>>();
        foreach (var (person, entries) in activity.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            int previous = Move.Outside, k = 0;
            for (int t = 0; t < periods.Count; t++)
            {
                int main = Move.Outside, most = 0;
                for (; k < entries.Count && entries[k].Period == t; k++)
                {
                    var (p, _, commits) = entries[k];
                    if (commits > most || (commits == most && p == previous))
                    {
                        (main, most) = (p, commits);
                    }
                }

                if (t > 0 && (previous != Move.Outside || main != Move.Outside))
                {
                    (moves.TryGetValue((t, previous, main), out var list) ? list : moves[(t, previous, main)] = []).Add(person);
                }

                previous = main;
            }

            activities.Add(new PersonActivity(person, Relatedness.DisplayName(whole, person), entries));
        }

        string Kind(int t, int from, int to) =>
            from == to ? "stayed"
            : from != Move.Outside && lastPeriod[from] < t ? "history ends"
            : to != Move.Outside && firstPeriod[to] == t ? "history starts"
            : from == Move.Outside ? "arrived"
            : to == Move.Outside ? "left"
            : "moved";
        var warnings = new List<string>();
        var ended = Enumerable.Range(0, whole.Count).Where(p => lastPeriod[p] >= 0).ToList();
        if (labels is not null && ended.Count > 1 && ended.Max(p => lastPeriod[p]) - ended.Min(p => lastPeriod[p]) > 1)
        {
            int early = ended.OrderBy(p => lastPeriod[p]).ThenBy(p => p).First(), late = ended.OrderByDescending(p => lastPeriod[p]).ThenBy(p => p).First();
            warnings.Add($"the histories end in different periods ({whole[early].Name}'s last commit is in {labels[lastPeriod[early]]}, "
                + $"{whole[late].Name}'s in {labels[lastPeriod[late]]}): people leaving a project after its last commit are shown as \"history ends\", not as moving");
        }

        return new CurrentsResult(activities, moves.Select(m => new Move(m.Key.Period, m.Key.From, m.Key.To, m.Value, Kind(m.Key.Period, m.Key.From, m.Key.To))).ToList(), warnings);
    }
}
