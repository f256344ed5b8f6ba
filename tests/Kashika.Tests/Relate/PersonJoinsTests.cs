using Kashika.Core.Relate;

namespace Kashika.Tests.Relate;

/// <summary>--identity person: one person's addresses joined, namesakes and placeholders never.</summary>
public sealed class PersonJoinsTests
{
    // A project from (name, address, commits) triples, keyed as --identity email keys them.
    private static ProjectAuthors Project(string project, params (string Name, string Email, int Commits)[] authors) =>
        new(project,
            authors.ToDictionary(a => a.Email, a => a.Commits, StringComparer.Ordinal),
            authors.ToDictionary(a => a.Email, a => a.Name, StringComparer.Ordinal),
            0, 0, []);

    private static readonly (string, string, int)[] Shared = [("Ann Lee", "ann@x.org", 5), ("Bo Kim", "bo@y.org", 3)];

    [Theory]
    [InlineData("Aaron Rosen", true)]
    [InlineData("José A. García", true)]
    [InlineData("root", false)]
    [InlineData("Your Name", false)]
    [InlineData("ubuntu", false)]
    [InlineData("dependabot bot", false)]
    [InlineData("Jenkins", false)]
    [InlineData("Cloud User", false)]
    [InlineData("takashi", false)]
    [InlineData("user 1234", false)]
    [InlineData("ann@example.org", false)]
    public void Only_distinctive_names_can_join(string name, bool distinctive) => Assert.Equal(distinctive, PersonJoins.IsDistinctive(name));

    [Fact]
    public void Two_addresses_used_in_one_project_with_one_name_are_one_person()
    {
        var nova = Project("nova", ("Aaron Rosen", "arosen@nicira.com", 30), ("Aaron Rosen", "aaronorosen@gmail.com", 10));
        var join = Assert.Single(PersonJoins.Find([nova]));
        Assert.Equal("arosen@nicira.com", join.Person); // the address with more commits is kept
        Assert.Equal(["aaronorosen@gmail.com", "arosen@nicira.com"], join.Keys);
        Assert.Contains("both used in nova", join.Reason, StringComparison.Ordinal);
        var joined = PersonJoins.Apply(nova, [join]);
        Assert.Equal(40, joined.CommitsByPerson["arosen@nicira.com"]);
        Assert.Equal(1, joined.Developers);
    }

    [Fact]
    public void Across_related_projects_a_name_joins_and_the_pair_becomes_shared()
    {
        var nova = Project("nova", [.. Shared, ("Aaron Rosen", "arosen@nicira.com", 30)]);
        var neutron = Project("neutron", [.. Shared, ("Aaron Rosen", "aaronorosen@gmail.com", 20)]);
        var join = Assert.Single(PersonJoins.Find([nova, neutron]));
        Assert.Contains("neutron and nova share 2 other developers", join.Reason, StringComparison.Ordinal);
        var result = Relatedness.Compute([PersonJoins.Apply(nova, [join]), PersonJoins.Apply(neutron, [join])], Metric.SumMin);
        Assert.Equal(5 + 3 + 20, result.SumMin![0][1]); // Ann 5/5, Bo 3/3, and Aaron min(30, 20)
    }

    [Fact]
    public void Two_large_projects_sharing_a_couple_of_people_are_not_related_enough_to_join_a_name()
    {
        // 300 developers each, sharing Ann and Bo: 2 is under 1% of 300, so Aaron Rosen stays two people.
        var a = Project("a", [.. Shared, .. Enumerable.Range(0, 298).Select(i => ($"A Dev{i}", $"a{i}@a.org", 1)), ("Aaron Rosen", "arosen@nicira.com", 3)]);
        var b = Project("b", [.. Shared, .. Enumerable.Range(0, 298).Select(i => ($"B Dev{i}", $"b{i}@b.org", 1)), ("Aaron Rosen", "aaron@b.org", 3)]);
        Assert.Empty(PersonJoins.Find([a, b]));
        // Sharing 4 (over 1% of 301) they are.
        var c = Project("c", [.. Shared, ("Cy Lo", "cy@c.org", 1), ("Di Ko", "di@d.org", 1), .. Enumerable.Range(0, 296).Select(i => ($"A Dev{i}", $"a{i}@a.org", 1)), ("Aaron Rosen", "arosen@nicira.com", 3)]);
        var d = Project("d", [.. Shared, ("Cy Lo", "cy@c.org", 1), ("Di Ko", "di@d.org", 1), .. Enumerable.Range(0, 296).Select(i => ($"B Dev{i}", $"b{i}@b.org", 1)), ("Aaron Rosen", "aaron@b.org", 3)]);
        Assert.Contains("share 4 other developers", Assert.Single(PersonJoins.Find([c, d])).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_handle_that_is_the_user_name_joins_within_a_project_but_not_across_unrelated_ones()
    {
        var redis = Project("redis", ("antirez", "antirez@gmail.com", 50), ("antirez", "antirez@metal.(none)", 5), ("admin", "admin@x.org", 1), ("admin", "admin@y.org", 1));
        var join = Assert.Single(PersonJoins.Find([redis]));
        Assert.Equal(["antirez@gmail.com", "antirez@metal.(none)"], join.Keys);
        Assert.Contains("both used in redis", join.Reason, StringComparison.Ordinal);
        // The same handle in two unrelated projects: the user name alone is not evidence for a handle.
        var a = Project("a", ("mattn", "mattn@a.org", 3));
        var b = Project("b", ("mattn", "mattn@b.org", 3));
        Assert.Empty(PersonJoins.Find([a, b]));
        Assert.False(PersonJoins.IsHandle("jsmith", "john@x.org"));
        Assert.False(PersonJoins.IsHandle("abc", "abc@x.org")); // too short to be specific
    }

    [Fact]
    public void Same_user_name_at_two_domains_joins()
    {
        var a = Project("a", ("Takashi Kajinami", "tkajinam@redhat.com", 5));
        var b = Project("b", ("Takashi Kajinami", "tkajinam@gmail.com", 5));
        Assert.Contains("same user name \"tkajinam\"", Assert.Single(PersonJoins.Find([a, b])).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Namesakes_in_unrelated_projects_placeholders_and_bots_stay_apart()
    {
        var a = Project("a", ("John Smith", "john@alpha.com", 5), ("root", "root@host1", 3), ("ubuntu", "ubuntu@box1", 1));
        var b = Project("b", ("John Smith", "jsmith@beta.org", 7), ("root", "root@host2", 3), ("ubuntu", "ubuntu@box2", 1));
        Assert.Empty(PersonJoins.Find([a, b]));
        var c = Project("c", ("renovate bot", "r1@x", 1), ("renovate bot", "r2@y", 1));
        Assert.Empty(PersonJoins.Find([c]));
    }

    [Fact]
    public void Umlauts_spelt_out_and_middle_initials_left_off_still_match_but_two_different_initials_never()
    {
        var p = Project("perl5", ("Kay Röpke", "kroepke@dolphin.example", 3), ("Kay Roepke", "kay@dolphin.example", 2),
            ("Jos I. Boumans", "kane@dwim.example", 4), ("Jos Boumans", "kane@cpan.example", 6),
            ("John A. Smith", "jas@one.example", 1), ("John B. Smith", "jbs@two.example", 1),
            ("José García", "jg@one.example", 1), ("Jose Garcia", "jose@two.example", 1));
        var joins = PersonJoins.Find([p]);
        Assert.Equal(["jg@one.example jose@two.example", "kane@cpan.example kane@dwim.example", "kay@dolphin.example kroepke@dolphin.example"],
            joins.Select(j => string.Join(' ', j.Keys)).Order(StringComparer.Ordinal));
        Assert.Contains(joins, j => j.Reason.StartsWith("names \"Jos I. Boumans\" and \"Jos Boumans\"", StringComparison.Ordinal)
            || j.Reason.StartsWith("names \"Jos Boumans\" and \"Jos I. Boumans\"", StringComparison.Ordinal));
        Assert.Equal(["steffen muller", "steffen mueller"], PersonJoins.NameForms("Steffen Müller"));
        Assert.Equal(["jos i boumans", "jos boumans"], PersonJoins.NameForms("Jos I. Boumans"));
        Assert.Equal(["a smith"], PersonJoins.NameForms("A. Smith"));
    }

    [Fact]
    public void A_generic_name_never_chains_two_people_together()
    {
        // Ann and Bo each also committed as "root" with their own address; root joins nothing.
        var p = Project("p", ("Ann Lee", "ann@x.org", 5), ("root", "ann@laptop", 1), ("Bo Kim", "bo@y.org", 3), ("root", "bo@laptop", 1));
        Assert.Empty(PersonJoins.Find([p]));
    }

    [Fact]
    public void The_suggested_aliases_are_a_mailmap_with_reasons()
    {
        var nova = Project("nova", ("Aaron Rosen", "arosen@nicira.com", 30), ("Aaron Rosen", "aaronorosen@gmail.com", 10));
        string mailmap = PersonJoins.Mailmap(PersonJoins.Find([nova]));
        Assert.Contains("# same name \"Aaron Rosen\"; both used in nova (2 developers)\n", mailmap, StringComparison.Ordinal);
        Assert.Contains("Aaron Rosen <arosen@nicira.com> <aaronorosen@gmail.com>\n", mailmap, StringComparison.Ordinal);
    }

    // A project of n developers besides the given authors.
    private static ProjectAuthors Big(string project, int n, params (string Name, string Email, int Commits)[] authors) =>
        Project(project, [.. authors, .. Enumerable.Range(0, n).Select(i => ($"{project} Dev{i}", $"{project}{i}@{project}.org", 1))]);

    [Fact]
    public void Two_richard_joneses_sharing_one_large_project_stay_two_people()
    {
        // Richard W.M. Jones (libguestfs) and Richard Jones (ocaml) both committed to a project of 1,600 developers.
        var libguestfs = Project("libguestfs", ("Richard W.M. Jones", "rjones@redhat.com", 900), ("Pino Toscano", "ptoscano@redhat.com", 80));
        var ocaml = Project("ocaml", ("Richard Jones", "rich@annexia.org", 40), ("Xavier Leroy", "xavier.leroy@inria.fr", 900));
        var big = Big("bigproject", 1600, ("Richard W.M. Jones", "rjones@redhat.com", 3), ("Richard Jones", "rich@annexia.org", 2));
        Assert.Empty(PersonJoins.Find([libguestfs, ocaml, big]));
        // A common name in a project of 1,600: no evidence either; an uncommon one is.
        var same = Big("nova", 1600, ("Li Wei", "liwei@a.com", 3), ("Li Wei", "wei.li@b.com", 2));
        Assert.Empty(PersonJoins.Find([same]));
        var rare = Big("nova", 1600, ("Adam Johnson", "adam@a.com", 3), ("Adam Johnson", "ajohnson@b.com", 2));
        Assert.Contains("both used in nova (1602 developers)", Assert.Single(PersonJoins.Find([rare])).Reason, StringComparison.Ordinal);
        // In a small project, or under the same user name, the initials may be left off.
        var small = Big("virt-tools", 30, ("Richard W.M. Jones", "rjones@redhat.com", 3), ("Richard Jones", "rjones@gmail.com", 2));
        Assert.Contains("both used in virt-tools (32 developers)", Assert.Single(PersonJoins.Find([small])).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_common_name_across_two_large_related_projects_stays_two_people()
    {
        // Ray Chen in cinder and Ray Chen in glance, which share 300 developers: one community of 1,300, where two
        // people called Ray Chen are no coincidence. The same in two smaller related projects joins.
        var common = Enumerable.Range(0, 300).Select(i => ($"Shared Dev{i}", $"shared{i}@x.org", 1)).ToArray();
        var cinder = Big("cinder", 700, [("Ray Chen", "oldsharp@163.com", 1), .. common]);
        var glance = Big("glance", 300, [("Ray Chen", "chenrano2002@gmail.com", 1), .. common]);
        Assert.Empty(PersonJoins.Find([cinder, glance]));
        var small = Big("oslo", 100, [("Ray Chen", "oldsharp@163.com", 1), .. common]);
        Assert.Contains("share 300 other developers", Assert.Single(PersonJoins.Find([small, glance])).Reason, StringComparison.Ordinal);
        // An uncommon name joins across the large pair.
        var rare = Big("cinder", 700, [("Tomoki Sekiyama", "tomoki@hds.com", 1), .. common]);
        var rare2 = Big("glance", 300, [("Tomoki Sekiyama", "tomoki.s@hitachi.com", 1), .. common]);
        Assert.Single(PersonJoins.Find([rare, rare2]));
    }

    [Fact]
    public void A_user_name_equal_to_a_common_name_is_no_evidence()
    {
        var a = Project("a", ("Yang Yu", "yangyu@huawei.com", 5));
        var b = Project("b", ("Yang Yu", "yangyu@gmail.com", 5));
        Assert.True(PersonJoins.IsCommon("Yang Yu"));
        Assert.False(PersonJoins.IsCommon("Takashi Kajinami"));
        Assert.Empty(PersonJoins.Find([a, b]));
    }

    [Theory]
    [InlineData("Monty Harbott")]
    [InlineData("Ilya Rabotyagov")]
    [InlineData("Ravi Bobot")]
    [InlineData("James Bottomley")]
    public void Bot_as_letters_of_a_surname_is_a_person(string name)
    {
        Assert.True(PersonJoins.IsDistinctive(name));
        var p = Project("p", (name, "one@x.org", 3), (name, "two@y.org", 2));
        Assert.Single(PersonJoins.Find([p]));
    }

    [Fact]
    public void A_hyphenated_handle_meets_the_name_it_spells()
    {
        var neutron = Project("neutron", ("armando-migliaccio", "armamig@gmail.com", 3), ("Armando Migliaccio", "amigliaccio@nicira.com", 20));
        var join = Assert.Single(PersonJoins.Find([neutron]));
        Assert.Equal(["amigliaccio@nicira.com", "armamig@gmail.com"], join.Keys);
        Assert.Equal("armando migliaccio", PersonJoins.Normalize("armando_migliaccio"));
        Assert.Equal("jean-pierre dupont", PersonJoins.Normalize("Jean-Pierre Dupont"));
    }

    [Fact]
    public void A_veto_keeps_two_addresses_apart_even_through_a_chain_of_joins()
    {
        var nova = Project("nova", ("Aaron Rosen", "arosen@nicira.com", 30), ("Aaron Rosen", "aaronorosen@gmail.com", 10), ("Aaron Rosen", "aaron@vmware.com", 5));
        Assert.Equal(3, Assert.Single(PersonJoins.Find([nova])).Keys.Count);
        var vetoes = NotSame.Parse("# different people\n<arosen@nicira.com> <aaron@vmware.com>\n", "not-same.txt");
        var joins = PersonJoins.Find([nova], vetoes);
        Assert.DoesNotContain(joins, j => j.Keys.Contains("arosen@nicira.com") && j.Keys.Contains("aaron@vmware.com"));
        Assert.Single(joins); // the gmail address still joins one of them
        // By name: this address is not the person of that name.
        var byName = PersonJoins.Find([nova], NotSame.Parse("aaronorosen@gmail.com Aaron Rosen", "n.txt"));
        Assert.DoesNotContain(byName, j => j.Keys.Contains("aaronorosen@gmail.com"));
    }

    [Fact]
    public void A_veto_file_line_that_is_no_veto_is_an_error_naming_it()
    {
        var e = Assert.Throws<Kashika.Core.Common.InputException>(() => NotSame.Parse("a@x.org b@y.org\njust a name\n", "veto.txt"));
        Assert.StartsWith("veto.txt:2: 'just a name' is not two addresses", e.Message, StringComparison.Ordinal);
        Assert.Equal([new NotSame("a@x.org", "b@y.org"), new NotSame("a@x.org", "Richard W.M. Jones")],
            NotSame.Parse("A@X.org b@y.ORG\na@x.org Richard W.M. Jones # the other one\n", "v"));
    }
}
