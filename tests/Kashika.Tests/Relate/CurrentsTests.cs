using Kashika.Core.Relate;

namespace Kashika.Tests.Relate;

/// <summary>Who was where in each period, and who moved where.</summary>
public sealed class CurrentsTests
{
    private static ProjectAuthors Project(string name, params (string Person, int Commits)[] people) =>
        new(name, people.ToDictionary(p => p.Person, p => p.Commits), people.ToDictionary(p => p.Person, p => p.Person.ToUpperInvariant()), 0, 0, []);

    [Fact]
    public void Main_projects_per_period_give_moves_arrivals_departures_and_stays()
    {
        // Ann: a, then mostly b, then gone. Bob: a and b tied (a, first), tied again (stays a), then c. Cy: a only.
        IReadOnlyList<ProjectAuthors>[] periods =
        [
            [Project("a", ("ann", 5), ("bob", 1), ("cy", 2)), Project("b", ("bob", 1)), Project("c")],
            [Project("a", ("ann", 1), ("bob", 2)), Project("b", ("ann", 3), ("bob", 2)), Project("c")],
            [Project("a", ("cy", 1)), Project("b"), Project("c", ("bob", 1))],
        ];
        var whole = new[] { Project("a", ("ann", 6), ("bob", 3), ("cy", 3)), Project("b", ("ann", 3), ("bob", 3)), Project("c", ("bob", 1)) };
        var currents = Currents.Build(whole, periods);

        Assert.Equal(["ann", "bob"], currents.People.Select(p => p.Id)); // cy committed to one project only
        Assert.Equal("ANN", currents.People[0].Name);
        Assert.Equal([(0, 0, 5), (0, 1, 1), (1, 1, 3)], currents.People[0].Activity);
        Assert.Equal(
            ["1: a→a bob", "1: a→b ann", "2: a→c bob", "2: b→outside ann"],
            currents.Moves.Select(m => $"{m.Period}: {Name(m.From)}→{Name(m.To)} {string.Join(',', m.People)}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Leaving_a_project_whose_history_has_ended_is_no_move()
    {
        // ocaml's clone ends in 2024; dune goes on. Ann works on both; in 2025 only dune has her: its history ending, not
        // a move. Bob moves from dune to utop while both go on. Cy arrives in utop the year utop's history starts.
        IReadOnlyList<ProjectAuthors>[] periods =
        [
            [Project("ocaml", ("ann", 5), ("x", 1)), Project("dune", ("ann", 1), ("bob", 4)), Project("utop")],
            [Project("ocaml", ("ann", 5)), Project("dune", ("ann", 1), ("bob", 4)), Project("utop")],
            [Project("ocaml"), Project("dune", ("ann", 2), ("bob", 1)), Project("utop", ("bob", 3), ("cy", 1))],
            [Project("ocaml"), Project("dune", ("ann", 2), ("cy", 2)), Project("utop", ("bob", 3))],
        ];
        var whole = new[] { Project("ocaml", ("ann", 10), ("x", 1)), Project("dune", ("ann", 6), ("bob", 9), ("cy", 2)), Project("utop", ("bob", 6), ("cy", 1)) };
        var currents = Currents.Build(whole, periods, ["2022", "2023", "2024", "2025"]);
        string Of(int period, string from, string to) => currents.Moves.Single(m => m.Period == period && Name(m.From) == from && Name(m.To) == to).Kind;
        Assert.Equal("history ends", Of(2, "a", "b")); // ocaml → dune
        Assert.Equal("history starts", Of(2, "b", "c")); // dune → utop
        Assert.Equal("moved", Of(3, "c", "b")); // utop → dune
        Assert.Equal("stayed", Of(1, "a", "a"));
        Assert.Equal("the histories end in different periods (ocaml's last commit is in 2023, dune's in 2025): people leaving a project after its last commit are shown as \"history ends\", not as moving",
            Assert.Single(currents.Warnings));
    }

    [Fact]
    public void Someone_away_for_a_period_leaves_and_comes_back()
    {
        IReadOnlyList<ProjectAuthors>[] periods =
        [
            [Project("a", ("ann", 1)), Project("b")],
            [Project("a"), Project("b")],
            [Project("a"), Project("b", ("ann", 1))],
        ];
        var whole = new[] { Project("a", ("ann", 1)), Project("b", ("ann", 1)) };
        var moves = Currents.Build(whole, periods).Moves;
        Assert.Equal(["1: a→outside", "2: outside→b"], moves.Select(m => $"{m.Period}: {Name(m.From)}→{Name(m.To)}"));
    }

    private static string Name(int project) => project == Move.Outside ? "outside" : ((char)('a' + project)).ToString();
}
