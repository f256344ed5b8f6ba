namespace Kashika.Core.Relate;

/// <summary>A person active in two or more of the projects: their commits per project per period.</summary>
/// <param name="Activity">(project, period, commits) for every period and project they committed to, in that order.</param>
public sealed record PersonActivity(string Id, string Name, IReadOnlyList<(int Project, int Period, int Commits)> Activity);

/// <summary>
/// People going from one state to another between period <see cref="Period"/> − 1 and <see cref="Period"/>: a state is
/// the person's main project in the period (the one with most of their commits), or <see cref="Outside"/> (no commit to
/// any of the projects in it). <see cref="From"/> = <see cref="To"/> is staying.
/// </summary>
public sealed record Move(int Period, int From, int To, IReadOnlyList<string> People)
{
    public const int Outside = -1;
}

/// <summary>The currents of the projects' developers: who was where in each period, and who moved where.</summary>
public sealed record CurrentsResult(IReadOnlyList<PersonActivity> People, IReadOnlyList<Move> Moves);

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
    public static CurrentsResult Build(IReadOnlyList<ProjectAuthors> whole, IReadOnlyList<IReadOnlyList<ProjectAuthors>> periods)
    {
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

        return new CurrentsResult(activities, moves.Select(m => new Move(m.Key.Period, m.Key.From, m.Key.To, m.Value)).ToList());
    }
}
