using System.Text;
using Kashika.Core.Relate;

namespace Kashika.Tests.Relate;

public sealed class AuthorResolverTests
{
    private static AuthorTally Tally(params (string Name, string Email, bool Merge)[] commits)
    {
        var tally = new AuthorTally();
        foreach (var (name, email, merge) in commits)
        {
            tally.Add(Raw(Encoding.UTF8.GetBytes($"{name}\0{email}")), merge);
        }

        return tally;
    }

    // An author record as the readers hold it: each byte one Latin-1 char.
    private static string Raw(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static readonly IdentityRules Default = new(IdentityMode.Email, new BotRules(), CountMerges: false);

    [Fact]
    public void Email_identity_is_case_insensitive_and_keeps_the_most_used_name()
    {
        var project = AuthorResolver.Resolve("p", Tally(
            ("Ann Lee", "Ann@Example.org", false), ("ann", "ann@example.org", false), ("Ann Lee", "ann@example.ORG", false)), Default);
        Assert.Equal(3, project.CommitsByPerson["ann@example.org"]);
        Assert.Equal("Ann Lee", project.DisplayNames["ann@example.org"]);
        Assert.Equal(1, project.Developers);
    }

    [Theory]
    [InlineData("12345+ann@users.noreply.github.com", "ann@users.noreply.github.com")]
    [InlineData("Ann@Users.NoReply.GitHub.com", "ann@users.noreply.github.com")]
    [InlineData("ann+lists@example.org", "ann+lists@example.org")] // a plus elsewhere is part of the address
    [InlineData("x12+ann@users.noreply.github.com", "x12+ann@users.noreply.github.com")]
    public void GitHubs_two_no_reply_forms_are_one_person(string email, string key) =>
        Assert.Equal(key, AuthorResolver.Key(IdentityMode.Email, "Ann", email, "p"));

    [Fact]
    public void Name_and_name_plus_email_identities()
    {
        var tally = Tally(("Ann Lee", "a@x", false), ("ann lee", "b@x", false));
        Assert.Equal(1, AuthorResolver.Resolve("p", tally, Default with { Mode = IdentityMode.Name }).Developers);
        Assert.Equal(2, AuthorResolver.Resolve("p", tally, Default with { Mode = IdentityMode.NameEmail }).Developers);
        Assert.Equal(2, AuthorResolver.Resolve("p", tally, Default).Developers);
    }

    [Fact]
    public void Bots_and_merges_are_excluded_and_counted()
    {
        var project = AuthorResolver.Resolve("p", Tally(
            ("Ann", "a@x", false), ("Ann", "a@x", true), ("dependabot[bot]", "d@x", false), ("Jenkins", "jenkins@x", true)), Default);
        Assert.Equal(1, project.Commits);
        Assert.Equal(2, project.ExcludedBotCommits);
        Assert.Equal(1, project.ExcludedMergeCommits);
        Assert.Equal(["Jenkins", "dependabot[bot]"], project.ExcludedBots.Select(b => b.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Counting_merges_and_bots_when_asked()
    {
        var project = AuthorResolver.Resolve("p", Tally(("Ann", "a@x", true), ("Jenkins", "j@x", false)), new IdentityRules(IdentityMode.Email, null, true));
        Assert.Equal(2, project.Commits);
        Assert.Equal(0, project.ExcludedBotCommits + project.ExcludedMergeCommits);
    }

    [Fact]
    public void Ossrel_names_collapse_whitespace_and_keep_the_larger_count_of_a_collision()
    {
        var tally = new AuthorTally();
        foreach (string name in new[] { "Ann  Lee", "Ann Lee", "Ann Lee", " Ann Lee" })
        {
            tally.Add(Raw(Encoding.UTF8.GetBytes(name)), isMerge: true);
        }

        var project = AuthorResolver.Resolve("p", tally, IdentityRules.Ossrel);
        // uniq -c lines "1 Ann  Lee", "2 Ann Lee", "1  Ann Lee"; sorted, the count 2 line comes last and wins.
        Assert.Equal(2, project.CommitsByPerson["Ann Lee"]);
        Assert.Equal(1, project.Developers);
    }

    [Fact]
    public void Ossrel_names_are_bytes_not_text()
    {
        var tally = new AuthorTally();
        tally.Add(Raw([.. "Ren"u8, 0xE9]), false);
        tally.Add(Raw("René"u8), false);
        Assert.Equal(2, AuthorResolver.Resolve("p", tally, IdentityRules.Ossrel).Developers);
    }

    [Fact]
    public void Behind_a_placeholder_address_each_name_is_a_developer_of_its_project_alone()
    {
        var rules = new IdentityRules(IdentityMode.Person, new BotRules(), CountMerges: false);
        var a = AuthorResolver.Resolve("a", Tally(("Ann Lee", "unknown", false), ("Bo Kim", "unknown", false), ("Cy Lo", "root@localhost", false),
            ("Di Ko", "none@none", false), ("Ed Wu", "ed@box.localdomain", false), ("Ann Lee", "ann@x.org", false)), rules);
        var b = AuthorResolver.Resolve("b", Tally(("Ann Lee", "unknown", false), ("Bo Kim", "unknown", false), ("Ann Lee", "ann@x.org", false)), rules);
        Assert.Equal(6, a.Developers); // Ann and Bo behind "unknown" are two people, not one "unknown"
        Assert.All(a.CommitsByPerson.Keys.Where(k => k != "ann@x.org"), k => Assert.True(Placeholders.IsPlaceholderKey(k), k));
        Assert.All(a.CommitsByPerson.Keys.Where(Placeholders.IsPlaceholderKey), k => Assert.DoesNotContain('@', k));
        // Across projects only the real address is one developer; placeholders never join anything.
        var related = Relatedness.Compute([a, b], Metric.Shared);
        Assert.Equal(["ann@x.org"], Assert.Single(related.Pairs).Shared.Select(d => d.Key));
        Assert.DoesNotContain(PersonJoins.Find([a, b]), j => j.Keys.Any(Placeholders.IsPlaceholderKey));
        // A person's own login on their own machine is theirs.
        Assert.False(Placeholders.IsPlaceholderAddress("antirez@metal.(none)"));
        Assert.True(Placeholders.IsPlaceholderAddress("root@metal.(none)"));
        Assert.True(Placeholders.IsPlaceholderAddress("stack@fyelles-dev.(none)")); // DevStack's account, seen in neutron
    }

    [Theory]
    [InlineData("Hosted Weblate", "hosted@weblate.org")]
    [InlineData("Weblate Translation Memory", "noreply-mt-weblate-translation-memory@weblate.org")]
    [InlineData("Languages add-on", "noreply-addon-languages@weblate.org")]
    [InlineData("Anonymous", "noreply@weblate.org")]
    [InlineData("Transifex Bot", "bot@transifex.com")]
    public void Translation_platforms_are_excluded_with_their_reason(string name, string email)
    {
        var project = AuthorResolver.Resolve("p", Tally((name, email, false), ("Ann Lee", "ann@x.org", false)), Default);
        Assert.Equal(1, project.Developers);
        Assert.Equal("translation platform", Assert.Single(project.ExcludedBots).Reason);
    }
}
